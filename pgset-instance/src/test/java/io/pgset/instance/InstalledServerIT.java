package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec.PostgresSpec;
import io.pgset.core.spec.ParameterCatalog;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The installed postgres 15, asked about parameters without any cluster. */
class InstalledServerIT {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    @Test
    void theCatalogComesFromDescribeConfig() {
        InstalledServer server = new InstalledServer(BIN);
        try {
            assertThat(server.catalog().size()).isGreaterThan(300);
            assertThat(server.catalog().find("max_connections").map(ParameterCatalog.Definition::max)).contains("262143");
        } finally {
            server.close();
        }
    }

    @Test
    void theServerSaysWhatItRefusesAndTakesTheRest() throws Exception {
        InstalledServer server = new InstalledServer(BIN);
        try {
            assertThat(server.refusal("synchronous_commit", "maybe")).contains("FATAL", "Available values:");
            assertThat(server.refusal("shared_buffers", "5s")).contains("Valid units for this parameter");
            assertThat(server.refusal("shared_buffers", "64MB")).isEmpty();
            assertThat(server.serverDefault("max_connections")).isEqualTo("100");
            assertThat(server.serverDefault("shared_buffers")).isEqualTo("16384");
        } finally {
            server.close();
        }
    }

    @Test
    void everyProblemOfASpecIsFoundAtOnce() {
        var problems = InstalledServer.validator().problems(new PostgresSpec("15", BIN.toString(), new TreeMap<>(Map.of(
                "max_connections", "lots", "shared_bufers", "1GB", "synchronous_commit", "maybe", "work_mem", "8MB"))));

        assertThat(problems).containsExactly(
                "spec.postgres.parameters.max_connections: must be an integer from 1 to 262143, got \"lots\"",
                "spec.postgres.parameters.shared_bufers: unknown parameter; did you mean shared_buffers?",
                "spec.postgres.parameters.synchronous_commit: must be one of local, remote_write, remote_apply, on,"
                        + " off, got \"maybe\"");
    }
}
