package io.pgset.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3KeysTest {

    @Test
    void readsBothKeysIgnoringCommentsBlankLinesAndCarriageReturns() {
        S3Keys keys = S3Keys.parse("# offsite bucket\r\n\r\naccessKeyId = AKIDEXAMPLE\r\nsecretAccessKey=a/b+c=\r\n");

        assertThat(keys).isEqualTo(new S3Keys("AKIDEXAMPLE", "a/b+c="));
    }

    @Test
    void listsEveryProblemByLineWithoutQuotingAValue() {
        assertThatThrownBy(() -> S3Keys.parse("accessKeyId=AKID\nsecret=TOPSECRET\naccessKeyId=OTHER\nTOPSECRET2\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 2: expected accessKeyId=... or secretAccessKey=..., got 'secret'; line 3: accessKeyId"
                        + " is given twice; line 4: expected accessKeyId=... or secretAccessKey=..., got a line without"
                        + " '='; secretAccessKey is missing")
                .message().doesNotContain("TOPSECRET", "OTHER");
    }

    @Test
    void doesNotQuoteANameThatMayBeAMisplacedSecret() {
        assertThatThrownBy(() -> S3Keys.parse("wJalrXUtnFEMI/K7MDENG=\naccessKeyId=a\nsecretAccessKey=b\n"))
                .hasMessage("line 1: expected accessKeyId=... or secretAccessKey=..., got a name that is not one of"
                        + " these");
    }

    @Test
    void refusesAnEmptyFileAndAnEmptyOrSpacedValue() {
        assertThatThrownBy(() -> S3Keys.parse("")).hasMessage("accessKeyId is missing; secretAccessKey is missing");
        assertThatThrownBy(() -> S3Keys.parse("accessKeyId=\nsecretAccessKey=two words\n"))
                .hasMessage("line 1: accessKeyId must be one word, without spaces; line 2: secretAccessKey must be one"
                        + " word, without spaces");
    }

    @Test
    void toStringHidesTheSecret() {
        assertThat(new S3Keys("AKID", "TOPSECRET").toString()).contains("AKID").doesNotContain("TOPSECRET");
    }
}
