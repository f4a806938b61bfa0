package io.pgset.local;

import io.pgset.core.model.BackupSpec;
import io.pgset.core.model.ClusterSpec;
import io.pgset.instance.S3KeyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Checks made before anything starts, so that a doomed {@code up} changes nothing. */
final class Preflight {

    private static final List<String> PROGRAMS = List.of("postgres", "initdb", "pg_ctl", "pg_basebackup", "psql");
    /** Where pgBackRest is looked up when it runs as postgres (setpriv --reset-env sets this PATH). */
    private static final List<String> PATH = List.of("/usr/local/bin", "/bin", "/usr/bin");

    static final String HAPROXY_MISSING = "HAProxy is not installed, and pgset serves the rw and ro services with it:"
            + " install it with `apt-get install haproxy` (or run bin/setup)";

    private Preflight() {}

    static void haproxyInstalled() {
        if (HaproxyProcess.program().isEmpty()) {
            throw new PgsetException(HAPROXY_MISSING);
        }
    }

    /** {@value KernelServices#ENV} must say on or off, or nothing: a typo must not change how rw is served. */
    static void kernelServicesSetting(String value) {
        if (!KernelServices.SETTINGS.contains(value.toLowerCase(java.util.Locale.ROOT))) {
            throw new PgsetException(KernelServices.ENV + "=" + value + " is neither on nor off: leave it unset or"
                    + " set it to on (the kernel routes rw and ro where pgset may change the firewall) or off"
                    + " (HAProxy serves them alone)");
        }
    }

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
     * A backup section needs pgBackRest, and each s3 repository a readable, complete secrets file
     * and CA file: found now rather than by archive_command failing once postgres runs.
     */
    static void backupsSupported(ClusterSpec spec) {
        if (!spec.backup().enabled()) {
            return;
        }
        try {
            S3KeyFiles.read(spec);
        } catch (IOException e) {
            throw new PgsetException(e.getMessage());
        }
        for (int i = 0; i < spec.backup().repositories().size(); i++) {
            if (spec.backup().repositories().get(i) instanceof BackupSpec.S3Repository s3 && !s3.caFile().isEmpty()
                    && !Files.isReadable(Path.of(s3.caFile()))) {
                throw new PgsetException("spec.backup.repositories[" + i + "].caFile: " + s3.caFile() + " cannot be"
                        + " read; name the PEM file of the authority that signed the S3 server's certificate, or leave"
                        + " caFile out to trust the system's authorities");
            }
        }
        if (PATH.stream().noneMatch(dir -> Files.isExecutable(Path.of(dir, "pgbackrest")))) {
            throw new PgsetException("spec.backup needs pgBackRest, which is not installed: install it with"
                    + " `apt-get install pgbackrest`");
        }
    }

    /**
     * PGSET_HOME must be a directory, or not exist yet. A file there would make every command see
     * no clusters, and {@code up} fail for reasons that have nothing to do with it.
     */
    static void homeIsADirectory(Path pgsetHome) {
        if (Files.exists(pgsetHome) && !Files.isDirectory(pgsetHome)) {
            throw new PgsetException("the pgset home " + pgsetHome + " (PGSET_HOME, or --home) is a file, not a"
                    + " directory; pgset keeps its clusters in a directory there. Set PGSET_HOME or --home to a"
                    + " directory (pgset creates it), or move the file away.");
        }
    }

    /**
     * {@code up} creates {@code dir} or writes into it: the nearest part of it that exists must be a
     * directory this user may write to. Says which one is not, and why.
     */
    static void writable(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        String user = System.getProperty("user.name");
        if (!Files.isDirectory(existing)) {
            throw new PgsetException("cannot create " + dir + ": " + existing + " is a file, not a directory. Set"
                    + " PGSET_HOME or --home to a directory elsewhere, or move the file away.");
        }
        if (!Files.isWritable(existing) || !Files.isExecutable(existing)) {
            throw new PgsetException("cannot create " + dir + ": user " + user + " may not write to " + existing
                    + " (" + ownerAndMode(existing) + "). Set PGSET_HOME or --home to a directory " + user
                    + " may write to, or give " + user + " write permission on " + existing + ".");
        }
    }

    private static String ownerAndMode(Path path) {
        try {
            return "owner " + Files.getOwner(path).getName() + ", mode "
                    + java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException | UnsupportedOperationException e) {
            return "its owner and mode cannot be read: " + e.getMessage();
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

    /** A kept port taken by something else would make an instance or service fail later: say so now. */
    static void keptPortsFree(ClusterHome home, LocalRuntime runtime) {
        List<String> busy = new ArrayList<>();
        // A running HAProxy of this cluster holds them, and goes on serving.
        Services.read(home).filter(s -> new HaproxyProcess(home).running().isEmpty()).ifPresent(s -> {
            if (!Ports.isFree(s.rw())) {
                busy.add("rw service port " + s.rw());
            }
            if (!Ports.isFree(s.ro())) {
                busy.add("ro service port " + s.ro());
            }
        });
        for (var pod : runtime.pods()) {
            if (pod.running()) {
                continue; // adopted as it is
            }
            for (int port : new int[] {pod.port(), pod.apiPort()}) {
                if (port > 0 && !Ports.isFree(port)) {
                    busy.add(pod.name() + " port " + port);
                }
            }
        }
        if (!busy.isEmpty()) {
            throw new PgsetException("cluster " + home.name() + " keeps its ports for life, but these are in use by "
                    + "other processes: " + String.join(", ", busy) + ". Stop those processes and run `pgset up` again.");
        }
    }
}
