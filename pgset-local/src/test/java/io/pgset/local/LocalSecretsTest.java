package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.instance.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSecretsTest {

    @TempDir
    Path pgsetHome;

    @Test
    void secretsAreOwnerOnlyInAnOwnerOnlyDirectoryWithNoTempFileLeft() throws Exception {
        ClusterHome home = ClusterHome.of(pgsetHome, "demo");
        LocalSecrets.ensure(home, "app");
        assertThat(mode(home.secrets())).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(home.secrets())) {
            List<Path> all = files.toList();
            assertThat(all).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder(
                    Secrets.SUPERUSER_PASSWORD, Secrets.REPLICATION_PASSWORD, Secrets.APP_PASSWORD, Secrets.API_TOKEN,
                    LocalSecrets.CA_CERTIFICATE, LocalSecrets.CA_KEY, "ca.checked", "pgpass");
            assertThat(all).allSatisfy(file -> assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------"));
        }
    }

    @Test
    void existingSecretsAreNeverReplaced() throws Exception {
        ClusterHome home = ClusterHome.of(pgsetHome, "demo");
        LocalSecrets.ensure(home, "app");
        String password = Files.readString(home.secrets().resolve(Secrets.APP_PASSWORD));
        String key = Files.readString(home.secrets().resolve(LocalSecrets.CA_KEY));
        LocalSecrets.ensure(home, "app");
        assertThat(Files.readString(home.secrets().resolve(Secrets.APP_PASSWORD))).isEqualTo(password);
        assertThat(Files.readString(home.secrets().resolve(LocalSecrets.CA_KEY))).isEqualTo(key);
        assertThat(Files.readString(LocalSecrets.pgpass(home))).contains("app:" + password.strip());
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
