package io.pgset.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.spec.ParameterCatalog.Context;
import io.pgset.core.spec.ParameterCatalog.Definition;
import io.pgset.core.spec.ParameterCatalog.Type;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The catalog read from {@code postgres --describe-config} of PostgreSQL 15, captured as it printed it. */
class ParameterCatalogTest {

    static final ParameterCatalog PG15 = ParameterCatalog.parse(fixture());

    static String fixture() {
        try (InputStream in = ParameterCatalogTest.class.getResourceAsStream("/postgres/describe-config-15.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyListedParameterIsReadWithItsTypeContextAndRange() {
        assertThat(PG15.size()).isEqualTo(307);
        assertThat(PG15.find("max_connections")).contains(
                new Definition("max_connections", Context.POSTMASTER, Type.INTEGER, "1", "262143"));
        assertThat(PG15.find("work_mem")).contains(new Definition("work_mem", Context.USER, Type.INTEGER, "64",
                "2147483647"));
        assertThat(PG15.find("random_page_cost").orElseThrow().max()).isEqualTo("1.79769e+308");
        assertThat(PG15.find("synchronous_commit").orElseThrow().type()).isEqualTo(Type.ENUM);
        assertThat(PG15.find("autovacuum").orElseThrow().type()).isEqualTo(Type.BOOL);
        assertThat(PG15.find("search_path").orElseThrow().type()).isEqualTo(Type.STRING);
        assertThat(PG15.find("wal_sender_timeout").orElseThrow().context()).isEqualTo(Context.USER);
        assertThat(PG15.find("session_replication_role").orElseThrow().context()).isEqualTo(Context.SUPERUSER);
        assertThat(PG15.find("log_connections").orElseThrow().context()).isEqualTo(Context.SUPERUSER_BACKEND);
    }

    @Test
    void namesAreFoundWhateverTheirCase() {
        assertThat(PG15.find("TimeZone")).isPresent();
        assertThat(PG15.find("timezone")).isPresent();
        assertThat(PG15.find("DateStyle").orElseThrow().name()).isEqualTo("datestyle");
    }

    @Test
    void onlyPostmasterParametersNeedARestart() {
        assertThat(PG15.find("shared_buffers").orElseThrow().context().restart()).isTrue();
        assertThat(PG15.find("checkpoint_timeout").orElseThrow().context().restart()).isFalse();
        assertThat(PG15.find("work_mem").orElseThrow().context().restart()).isFalse();
    }

    @Test
    void aNearMissSuggestsTheKnownName() {
        assertThat(PG15.closest("shared_bufers")).contains("shared_buffers");
        assertThat(PG15.closest("max_conections")).contains("max_connections");
        assertThat(PG15.closest("wrok_mem")).contains("work_mem");
        assertThat(PG15.closest("completely_made_up")).isEmpty();
    }

    @Test
    void outputThatIsNotACatalogIsRefusedNamingTheLine() {
        assertThatThrownBy(() -> ParameterCatalog.parse("")).hasMessageContaining("listed no parameters");
        assertThatThrownBy(() -> ParameterCatalog.parse("max_connections\tpostmaster\n"))
                .hasMessageContaining("line 1").hasMessageContaining("2 fields");
        assertThatThrownBy(() -> ParameterCatalog.parse("x\tpostmaster\tg\tCOMPLEX\t0\t1\t2\td\t\n"))
                .hasMessageContaining("unknown type COMPLEX");
    }
}
