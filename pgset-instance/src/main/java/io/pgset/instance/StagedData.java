package io.pgset.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The moves by which a data directory that pgset staged (initdb, clone, restore) becomes
 * {@code pgdata}: made complete beside it, then renamed into place, so that {@code pgdata} is
 * never half-made.
 */
final class StagedData {

    private StagedData() {}

    /** Renames a completed staging directory to {@code pgdata}, which is absent or an empty directory. */
    static void install(Path staging, Path pgdata) throws IOException {
        if (Files.exists(pgdata)) {
            Files.delete(pgdata); // fails unless it is empty: nothing is lost
        }
        DurableFiles.move(staging, pgdata);
    }

    /** Makes the (cleanly stopped) data start as a standby. */
    static void markStandby(Path pgdata, PostgresUser user) throws IOException {
        DurableFiles.write(pgdata.resolve("standby.signal"), new byte[0], DurableFiles.PRIVATE, user::own);
    }

    /** Only for directories pgset staged itself (see {@link DataRules}). */
    static void delete(Path staging) throws IOException {
        // A postgres killed in it (initdb's single-user backends, a restore's private postgres) left
        // its System V segment, which nothing would release once the directory is gone.
        LeftoverSharedMemory.releaseUnder(staging);
        try (Stream<Path> paths = Files.walk(staging)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        DurableFiles.syncDirectory(staging.getParent());
    }
}
