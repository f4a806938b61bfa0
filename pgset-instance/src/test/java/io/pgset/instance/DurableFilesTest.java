package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {

    @TempDir
    Path dir;

    @Test
    void writeReplacesContentAndLeavesNoTempFile() throws Exception {
        Path file = dir.resolve("state.json");
        DurableFiles.write(file, "one");
        DurableFiles.write(file, "two");
        assertThat(file).hasContent("two");
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries).containsExactly(file);
        }
    }

    @Test
    void privateFilesAreOwnerOnly() throws Exception {
        Path file = dir.resolve("secret");
        DurableFiles.writePrivate(file, "s3cret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void failedPreparationKeepsTheOldContent() throws Exception {
        Path file = dir.resolve("marker");
        DurableFiles.write(file, "old");
        try {
            DurableFiles.write(file, "new".getBytes(), DurableFiles.SHARED, tmp -> {
                throw new java.io.IOException("cannot chown");
            });
        } catch (java.io.IOException expected) {
            assertThat(expected).hasMessage("cannot chown");
        }
        assertThat(file).hasContent("old");
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries).containsExactly(file);
        }
    }

    @Test
    void moveRenamesDirectories() throws Exception {
        Path staging = Files.createDirectory(dir.resolve("pgdata.clone"));
        Files.writeString(staging.resolve("PG_VERSION"), "15\n");
        DurableFiles.move(staging, dir.resolve("pgdata"));
        assertThat(dir.resolve("pgdata/PG_VERSION")).hasContent("15");
        assertThat(staging).doesNotExist();
    }

    @Test
    void pollReturnsOnceTheConditionHoldsAndFalseAtTheDeadline() throws Exception {
        long start = System.nanoTime();
        int[] calls = {0};
        assertThat(Poll.until(java.time.Duration.ofSeconds(5), java.time.Duration.ofMillis(1), () -> ++calls[0] == 3))
                .isTrue();
        assertThat(calls[0]).isEqualTo(3);
        assertThat(Poll.until(java.time.Duration.ofMillis(30), java.time.Duration.ofMillis(5), () -> {
            throw new IllegalStateException("not yet");
        })).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(30_000_000L);
    }
}
