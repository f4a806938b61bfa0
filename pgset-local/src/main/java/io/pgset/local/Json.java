package io.pgset.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgset.instance.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Small state files (state, ports, controller, services, the applied spec): each decides what
 * the controller does next, so each is replaced durably (see {@link DurableFiles}).
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static Optional<JsonNode> read(Path file) {
        try {
            return Files.exists(file) ? Optional.of(MAPPER.readTree(file.toFile())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static void write(Path file, Object value) throws IOException {
        DurableFiles.write(file, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }

    static void writeText(Path file, String text) throws IOException {
        DurableFiles.write(file, text);
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }
}
