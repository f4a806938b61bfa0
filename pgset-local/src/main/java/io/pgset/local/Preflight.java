package io.pgset.local;

import io.pgset.core.model.ClusterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/** Checks made before anything starts, so that a doomed {@code up} changes nothing. */
final class Preflight {

    private static final List<String> PROGRAMS = List.of("postgres", "initdb", "pg_ctl", "pg_basebackup", "psql");

    private Preflight() {}

    static void postgresInstalled(ClusterSpec spec) {
        Path bin = Path.of(spec.postgres().binDir());
        for (String program : PROGRAMS) {
            if (!Files.isExecutable(bin.resolve(program))) {
                throw new PgsetException("PostgreSQL " + spec.postgres().version() + " is not installed: " + bin.resolve(program)
                        + " is missing. Install it with `apt-get install postgresql-" + spec.postgres().version()
                        + "`, or set spec.postgres.binDir to where its programs are.");
            }
        }
    }

    /**
     * As root, postgres runs as the postgres user, which must be able to walk down to the volumes:
     * every directory above them needs the others' execute bit (a home directory often lacks it).
     */
    static void volumesReachable(Path pgsetHome) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return;
        }
        for (Path dir = pgsetHome.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (!Files.exists(dir)) {
                continue;
            }
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
                if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new PgsetException("the postgres user cannot reach " + pgsetHome + " because " + dir
                            + " is not traversable by others; choose another PGSET_HOME (for example /var/lib/pgset)"
                            + " or run `chmod o+x " + dir + "`");
                }
            } catch (IOException e) {
                throw new PgsetException("cannot check permissions of " + dir + ": " + e.getMessage(), e);
            }
        }
    }
}
