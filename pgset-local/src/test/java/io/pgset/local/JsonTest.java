package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {

    @TempDir
    Path dir;

    @Test
    void writtenStateReadsBackAndReplacesTheOldWithNoTempFileLeft() throws Exception {
        Path ports = dir.resolve("pods/demo-0/ports.json");
        Json.write(ports, Json.object().put("postgres", 20001).put("api", 20002));
        Json.write(ports, Json.object().put("postgres", 20003).put("api", 20004));
        assertThat(Json.read(ports)).hasValueSatisfying(node -> {
            assertThat(node.path("postgres").asInt()).isEqualTo(20003);
            assertThat(node.path("api").asInt()).isEqualTo(20004);
        });
        try (Stream<Path> entries = Files.list(ports.getParent())) {
            assertThat(entries).containsExactly(ports);
        }
    }

    @Test
    void writtenTextReplacesTheOld() throws Exception {
        Path spec = dir.resolve("spec.yaml");
        Json.writeText(spec, "instances: 3\n");
        Json.writeText(spec, "instances: 2\n");
        assertThat(spec).hasContent("instances: 2");
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries).containsExactly(spec);
        }
    }

    @Test
    void aMissingOrUnreadableFileReadsAsNothing() throws Exception {
        assertThat(Json.read(dir.resolve("state.json"))).isEmpty();
        Files.writeString(dir.resolve("state.json"), "{\"half\": ");
        assertThat(Json.read(dir.resolve("state.json"))).isEmpty();
    }
}
