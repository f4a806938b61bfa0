package io.pgset.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PreloadLibrariesTest {

    @Test
    void statementsAreLoadedWhenTheUserSetsNothing() {
        assertThat(PreloadLibraries.merge(null)).isEqualTo("pg_stat_statements");
        assertThat(PreloadLibraries.merge(" ")).isEqualTo("pg_stat_statements");
    }

    @Test
    void theUsersLibrariesComeFirstInTheirOrder() {
        assertThat(PreloadLibraries.merge("citus, pg_prewarm")).isEqualTo("citus,pg_prewarm,pg_stat_statements");
    }

    @Test
    void aListThatHasItAlreadyIsNotChanged() {
        assertThat(PreloadLibraries.merge("auto_explain,pg_stat_statements")).isEqualTo("auto_explain,pg_stat_statements");
        assertThat(PreloadLibraries.merge("\"PG_STAT_STATEMENTS\"")).isEqualTo("\"PG_STAT_STATEMENTS\"");
    }
}
