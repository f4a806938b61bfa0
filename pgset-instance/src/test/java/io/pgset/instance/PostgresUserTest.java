package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresUserTest {

    @TempDir
    Path dir;

    @Test
    void privateFilesAreOwnerOnlyAndPostgressWhenPgsetRunsAsRoot() throws Exception {
        Path key = dir.resolve("server.key");
        PostgresUser user = PostgresUser.current();
        user.privateFile(key, "old key");
        user.privateFile(key, "new key");
        assertThat(key).hasContent("new key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        String expectedOwner = "root".equals(System.getProperty("user.name")) ? PostgresUser.OS_USER
                : System.getProperty("user.name");
        assertThat(Files.getOwner(key).getName()).isEqualTo(expectedOwner);
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries).containsExactly(key);
        }
    }
}
