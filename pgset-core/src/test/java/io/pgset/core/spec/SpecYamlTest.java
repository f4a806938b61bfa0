package io.pgset.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.pgset.core.json.JsonText;
import io.pgset.core.json.JsonTree;
import io.pgset.core.model.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The spec's YAML layer no longer goes through jackson-databind. A spec's version is a hash of its
 * canonical text, and instances running an older pgset compare versions with a newer controller,
 * so the text must stay byte for byte what databind's tree wrote; and a document must read as the
 * same tree. Both are checked here against databind itself, configured as SpecYaml was.
 */
class SpecYamlTest {

    private static final ObjectMapper DATABIND_READER = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private static final ObjectMapper DATABIND_WRITER = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .stringQuotingChecker(new SpecYaml.QuoteUnlessPlain())
            .build());

    /** Values that YAML reads as something else unless quoted, or that need escapes, folding or a block. */
    private static final List<String> AWKWARD = List.of("on", "off", "yes", "No", "null", "~", "true", "1e3", "0x10",
            "0o17", "1_000", "10:30", ".5", "-1", "+1", "0.90", "2026-11-30", "'quoted'", "\"double\"", "a: b",
            "x #not a comment", "# hash", "-dash", "- item", "? key", "[x]", "{y}", "*alias", "&anchor", "!tag",
            "%percent", "@at", "`tick", "|pipe", ">gt", "=", " leading", "trailing ", "", "tab\tinside",
            "bell\u0007", "nul\u0000", "line\nbreak", "two\n\nbreaks\n", "crlf\r\n", "\\backslash", "é€😀",
            "\u00a0nbsp", "\u2028separator", "%m [%p] %q%u@%d ", "/var/run/postgresql,/tmp",
            "10.0.0.0/8", "fe80::/10", "plain_word", "path/to/x.conf",
            "a long value with spaces that goes on and on past the eighty column line width of the emitter",
            "alongvaluewithoutanyspacesatallthatgoesonandonpasttheeightycolumnlinewidthoftheemitter12345",
            "   a long value with leading blanks and spaces that goes past the eighty column width ok   ");

    @Test
    void canonicalTextIsWhatDatabindWrote() throws Exception {
        for (String yaml : documents()) {
            ClusterSpec spec = SpecReader.read(yaml);
            String ours = SpecReader.write(spec);
            JsonNode databindTree = DATABIND_READER.readTree(JsonText.write(SpecYaml.parse(ours)));
            assertThat(ours).as(yaml).isEqualTo(DATABIND_WRITER.writeValueAsString(databindTree));
            assertThat(SpecReader.read(ours)).isEqualTo(spec);
        }
    }

    @Test
    void documentsReadAsTheTreeDatabindRead() throws Exception {
        List<String> documents = new ArrayList<>(documents());
        documents.add("a: 0.90\nb: 1e3\nc: 12345678901234567890\nd: 3000000000\ne: ~\nf:\ng: [1, 2.50, x]\nh: {}\n"
                + "i: !!str 15\nj: 0x1F\nl: 1.0e-4\nm: '0.10'\n");
        ObjectMapper json = new ObjectMapper();
        for (String yaml : documents) {
            JsonTree ours = SpecYaml.parse(yaml);
            String databind = json.writeValueAsString(DATABIND_READER.readTree(yaml));
            assertThat(JsonText.write(ours)).as(yaml).isEqualTo(databind);
        }
    }

    @Test
    void numbersKeepTheirKind() {
        JsonTree tree = SpecYaml.parse("a: 0.90\nb: 15\nc: 12345678901234567890\nd: '15'\n");
        assertThat(tree.path("a").isBigDecimal()).isTrue();
        assertThat(Describe.scalar(tree.path("a"))).isEqualTo("0.90");
        assertThat(tree.path("b").isIntegralNumber()).isTrue();
        assertThat(Describe.scalar(tree.path("c"))).isEqualTo("12345678901234567890");
        assertThat(tree.path("d").isTextual()).isTrue();
        assertThat(Describe.node(tree.path("d"))).isEqualTo("\"15\"");
    }

    private static List<String> documents() {
        List<String> documents = new ArrayList<>();
        documents.add(SpecReaderTest.HEADER);
        // postgresql.conf values hold no control characters; initdb statements are not blank
        String parameters = AWKWARD.stream().filter(v -> v.chars().noneMatch(Character::isISOControl))
                .map(v -> "pgset_test.p" + AWKWARD.indexOf(v) + ": " + quoted(v))
                .collect(Collectors.joining(", ", "{", "}"));
        String initSql = AWKWARD.stream().filter(v -> !v.isBlank()).map(SpecYamlTest::quoted).collect(Collectors.joining(", ", "[", "]"));
        documents.add(SpecReaderTest.HEADER + "spec:\n  postgres: {parameters: " + parameters + "}\n"
                + "  bootstrap: {initdb: {initSql: " + initSql + "}}\n");
        documents.add(SpecReaderTest.HEADER + """
                spec:
                  instances: 5
                  podManagementPolicy: Parallel
                  replication: {mode: async}
                  storage: {size: 20Gi, storageClass: fast-ssd}
                  network: {allow: ["10.0.0.0/8", "fe80::/10", "127.0.0.1/32"]}
                  scheduling:
                    nodeSelector: {kubernetes.io/hostname: node-1, disktype: "0.90"}
                    tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoExecute, tolerationSeconds: 30}]
                  backup:
                    repositories:
                      - {name: local, type: posix, path: /srv/backups}
                      - name: s3
                        type: s3
                        endpoint: "127.0.0.1:9000"
                        bucket: pgset
                        region: us-east-1
                        path: /demo
                        uriStyle: path
                        credentials: {file: /etc/pgset/s3.keys}
                    schedule: {full: "0 3 * * 0", differential: "0 3 * * 1-6"}
                    retention: {full: 4}
                """);
        return documents;
    }

    /** A YAML double-quoted scalar for any string. */
    private static String quoted(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x2028) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
