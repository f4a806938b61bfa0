package io.pgset.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Gives each test its own PGSET_HOME, and stops everything the test started even when it fails. */
abstract class PerTestHome {

    PgsetHome home;

    @BeforeEach
    void createHome() throws Exception {
        home = PgsetHome.create();
    }

    @AfterEach
    void removeHome() throws Exception {
        home.close();
    }
}
