package io.pgset.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * One default cluster, started once for all tests of a class that only look at it (or change it
 * in ways the others do not see), in its own PGSET_HOME; everything stops after the last test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedCluster {

    PgsetHome home;

    /** What the {@code pgset up} that started the cluster printed. */
    PgsetHome.Result up;

    @BeforeAll
    void startCluster() throws Exception {
        home = PgsetHome.create();
        up = home.pgset("up").ok();
    }

    @AfterAll
    void stopCluster() throws Exception {
        home.close();
    }
}
