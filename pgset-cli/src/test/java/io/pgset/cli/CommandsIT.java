package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The read-only commands on one running cluster: psql, logs, events, status. */
class CommandsIT extends SharedCluster {


    @Test
    void psqlRunsOnRwAndRoWithArgumentsAfterDoubleDash() {
        assertThat(home.pgset("psql", "demo", "--", "-Atc", "select pg_is_in_recovery()").ok().out().strip()).isEqualTo("f");
        assertThat(home.pgset("psql", "demo", "--ro", "--", "-Atc", "select pg_is_in_recovery()").ok().out().strip())
                .isEqualTo("t");
        assertThat(home.pgset("psql", "demo", "--", "-Atc", "select current_user, current_database()").ok().out().strip())
                .isEqualTo("app|app");
    }

    @Test
    void psqlPassesOnPsqlsExitCode() {
        PgsetHome.Result r = home.pgset("psql", "demo", "--", "-v", "ON_ERROR_STOP=1", "-c", "select nonsense");
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).contains("column \"nonsense\" does not exist");
    }

    @Test
    void logsShowTheInstanceManagerAndPostgres() {
        String log = home.pgset("logs", "demo-1").ok().out();
        assertThat(log).contains("pod=demo-1 cloning from", "database system is ready to accept read-only connections");
        assertThat(home.pgset("logs", "demo-1", "--tail", "2").ok().out().lines()).hasSize(2);
        assertThat(home.pgset("logs", "demo-7").err()).contains("demo-7 has no log yet");
    }

    @Test
    void eventsTellWhatTheControllerDidAndWhy() {
        String events = home.pgset("events", "demo").ok().out();
        assertThat(events).contains("create demo-0: new cluster: demo-0 starts on its volume (a new database if the volume is empty)",
                "create demo-1: scale up", "create demo-2: scale up", "primary is demo-0");
    }

    @Test
    void statusTableAndListing() {
        String table = home.pgset("status", "demo").ok().out();
        assertThat(table).contains("cluster demo: Healthy, 3/3 ready, primary demo-0", "demo-2", "replica", "rw", "ro");
        assertThat(home.pgset("status").ok().out()).contains("cluster demo: Healthy");
        assertThat(home.pgset("status", "demo", "-o", "xml").err()).contains("unknown output format 'xml'");
    }

    @Test
    void statusJsonCarriesTheConditionsCoreComputes() throws Exception {
        com.fasterxml.jackson.databind.JsonNode conditions = home.status("demo").path("conditions");
        assertThat(conditions).extracting(c -> c.path("type").asText())
                .containsExactly("Ready", "Progressing", "Degraded", "SpecInvalid", "StorageFull");
        assertThat(conditions).extracting(c -> c.path("type").asText() + "=" + c.path("status").asBoolean())
                .containsExactly("Ready=true", "Progressing=false", "Degraded=false", "SpecInvalid=false",
                        "StorageFull=false");
        assertThat(conditions).allSatisfy(c -> assertThat(c.path("lastTransitionTime").asText()).isNotEmpty());
    }

    @Test
    void theDemoExampleAppliedToTheDefaultClusterChangesNothing() {
        PgsetHome.Result r = home.pgset("apply", "-f", "../examples/demo.yaml").ok();
        assertThat(r.out()).contains("cluster demo: the spec is unchanged", "cluster demo is Healthy");
    }

    @Test
    void aNameThatIsNotAnInstanceNameIsRefusedSayingWhatOneLooksLike() {
        assertThat(home.pgset("logs", "demo-x").err()).contains("'demo-x' is not an instance name",
                "<cluster>-<ordinal>");
    }
}
