package io.pgset.local;

import io.pgset.core.json.JsonText;
import io.pgset.core.json.JsonTree;
import io.pgset.core.json.RecordJson;
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

    private Json() {}

    /** The file's JSON; empty when there is no such file or it does not parse (a torn write is replaced whole). */
    static Optional<JsonTree> read(Path file) {
        try {
            return Files.exists(file) ? Optional.of(JsonText.parse(Files.readAllBytes(file))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static void write(Path file, Object value) throws IOException {
        DurableFiles.write(file, JsonText.pretty(RecordJson.tree(value)));
    }

    static void writeText(Path file, String text) throws IOException {
        DurableFiles.write(file, text);
    }

    static JsonTree object() {
        return JsonTree.object();
    }
}
