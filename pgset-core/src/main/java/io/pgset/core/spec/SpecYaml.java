package io.pgset.core.spec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import io.pgset.core.json.JsonText;
import io.pgset.core.json.JsonTree;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The YAML syntax layer: text to a tree whose root is a mapping, and a tree back to text. */
final class SpecYaml {

    /**
     * Read and written on jackson's streaming YAML parser and generator, not through
     * jackson-databind (which pgset's daemons do without, see {@link JsonTree}); numbers with a
     * fraction are read as written, so that a parameter value 0.90 stays "0.90", not the double 0.9.
     */
    private static final YAMLFactory READER = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // On by default in new YAMLFactory() but not from the builder; `spec:` must read as null.
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            .build();

    private static final YAMLFactory WRITER = YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .stringQuotingChecker(new QuoteUnlessPlain())
            .build();

    private static final Pattern SNAKEYAML_MARK = Pattern.compile(" in '[^']*', line (\\d+), column (\\d+):");

    private SpecYaml() {}

    /** Parses one YAML (or JSON) document; anything but a mapping at the root is one problem. */
    static JsonTree parse(String text) {
        JsonTree document;
        try (JsonParser parser = READER.createParser(text)) {
            rejectAliases(READER.createParser(text));
            document = JsonText.read(parser, true);
            if (!document.isMissingNode() && parser.nextToken() != null) {
                throw invalid("holds more than one YAML document; a spec describes one cluster");
            }
        } catch (JacksonException e) {
            throw invalid(syntaxProblem(e), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
        if (document.isNull() || document.isMissingNode()
                || (document.isTextual() && document.textValue().isBlank())) {
            throw invalid("is empty; expected a mapping with apiVersion, kind, metadata and spec");
        }
        if (!document.isObject()) {
            throw invalid("must be a mapping with apiVersion, kind, metadata and spec, got "
                    + Describe.node(document));
        }
        return document;
    }

    static String write(JsonTree document) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = WRITER.createGenerator(out)) {
            JsonText.write(document, generator);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return out.toString();
    }

    /**
     * Jackson does not resolve aliases: {@code *base} would silently read as the string "base".
     * Refusing them is better than reading something the user did not write.
     */
    private static void rejectAliases(JsonParser tokens) throws IOException {
        try (tokens) {
            while (tokens.nextToken() != null) {
                if (tokens instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    throw invalid("uses a YAML alias (" + tokens.getText() + ") at " + where(tokens.currentLocation())
                            + "; pgset does not support anchors and aliases, write the value out");
                }
            }
        }
    }

    /**
     * snakeyaml's message alternates what it says with where it looked ("while parsing a flow
     * sequence / in line 1, column 4 / expected ',' or ']' / in line 2, column 2"), followed by
     * quoted source lines. Its marks point at the problem; Jackson's location is only where the
     * last good token ended, so it is the fallback for messages without marks.
     */
    private static String syntaxProblem(JacksonException e) {
        StringBuilder out = new StringBuilder("is not valid YAML: ");
        String separator = "";
        boolean located = false;
        for (String line : e.getOriginalMessage().strip().lines().toList()) {
            Matcher mark = SNAKEYAML_MARK.matcher(line);
            if (mark.matches()) {
                out.append(" at line ").append(mark.group(1)).append(", column ").append(mark.group(2));
                located = true;
            } else if (!line.isBlank() && !line.startsWith(" ")) {
                out.append(separator).append(line.strip());
                separator = "; ";
            }
        }
        if (!located && e.getLocation() != null) {
            out.append(" at ").append(where(e.getLocation()));
        }
        return out.toString();
    }

    private static String where(JsonLocation location) {
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static SpecException invalid(String problem) {
        return new SpecException(List.of("document: " + problem));
    }

    private static SpecException invalid(String problem, Throwable cause) {
        return new SpecException(List.of("document: " + problem), cause);
    }

    /**
     * Writes a string bare only when it cannot read back as anything else; a bare {@code 1e3},
     * {@code 0x10} or {@code on} would come back as a number or a boolean.
     */
    static final class QuoteUnlessPlain extends StringQuotingChecker.Default {

        private static final Pattern WORD_OR_PATH = Pattern.compile("[A-Za-z/][A-Za-z0-9_./-]*");
        /** No YAML number, boolean or null contains a '/'. */
        private static final Pattern ADDRESS_RANGE = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*/[0-9]+");

        @Override
        public boolean needToQuoteValue(String value) {
            boolean plain = WORD_OR_PATH.matcher(value).matches() || ADDRESS_RANGE.matcher(value).matches();
            return !plain || super.needToQuoteValue(value);
        }
    }
}
