package io.pgset.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DerTest {

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void objectIdentifiersPackTheFirstTwoArcsAndUseBase128() {
        assertThat(hex(Der.oid("1.2.840.10045.4.3.2"))).isEqualTo("06082a8648ce3d040302");
        assertThat(hex(Der.oid("2.5.29.19"))).isEqualTo("0603551d13");
        assertThat(hex(Der.oid("1.3.6.1.5.5.7.3.1"))).isEqualTo("06082b06010505070301");
    }

    @Test
    void integersAreMinimalTwosComplementAndPositiveValuesNeverLookNegative() {
        assertThat(hex(Der.integer(0))).isEqualTo("020100");
        assertThat(hex(Der.integer(127))).isEqualTo("02017f");
        assertThat(hex(Der.integer(128))).isEqualTo("02020080");
        assertThat(hex(Der.integer(BigInteger.ONE.shiftLeft(127)))).isEqualTo("021100" + "80" + "00".repeat(15));
    }

    @Test
    void lengthsFrom128OnAreLongFormAndReadBack() {
        byte[] short127 = Der.octetString(new byte[127]);
        byte[] long200 = Der.octetString(new byte[200]);
        byte[] long300 = Der.octetString(new byte[300]);
        assertThat(hex(short127)).startsWith("047f");
        assertThat(hex(long200)).startsWith("0481c8");
        assertThat(hex(long300)).startsWith("0482012c");
        Der.Element read = Der.read(Der.sequence(short127, long200, long300));
        assertThat(read.tag()).isEqualTo(Der.SEQUENCE);
        assertThat(read.children()).extracting(e -> e.content().length).containsExactly(127, 200, 300);
    }

    @Test
    void timesAreUtcTimeFrom1950Through2049AndGeneralizedTimeOtherwise() {
        assertThat(hex(Der.time(Instant.parse("2049-12-31T23:59:59.999Z"))))
                .isEqualTo("170d" + hex("491231235959Z".getBytes()));
        assertThat(hex(Der.time(Instant.parse("2050-01-01T00:00:00Z"))))
                .isEqualTo("180f" + hex("20500101000000Z".getBytes()));
        assertThat(hex(Der.time(Instant.parse("1949-12-31T23:59:59Z"))))
                .isEqualTo("180f" + hex("19491231235959Z".getBytes()));
        assertThat(hex(Der.time(Instant.parse("1950-01-01T00:00:00Z"))))
                .isEqualTo("170d" + hex("500101000000Z".getBytes()));
    }

    @Test
    void bitStringsStateTheirUnusedBits() {
        assertThat(hex(Der.bitString(new byte[] {0x06}, 1))).isEqualTo("03020106");
        assertThat(hex(Der.bitString(new byte[] {1, 2}))).isEqualTo("0303000102");
    }

    @Test
    void truncatedOrTrailingInputIsRefusedWithWhere() {
        assertThatThrownBy(() -> Der.read(HexFormat.of().parseHex("3005020101")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cut short");
        assertThatThrownBy(() -> Der.read(HexFormat.of().parseHex("0201010201")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Der.read(HexFormat.of().parseHex("020101020102")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected one DER value, found 2");
    }
}
