package io.pgset.instance;

import io.pgset.core.config.HbaRenderer;
import io.pgset.core.config.PgBackRestRestore;
import io.pgset.core.config.PostgresConfRenderer;
import io.pgset.core.config.S3Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A new cluster's first instance from another cluster's backup: pgBackRest restores into a
 * staging directory, a private postgres replays the source's archived WAL there up to the target
 * and promotes, the instance takes this cluster's passwords, and only then does the directory
 * become {@code pgdata}. A restore that fails or is killed at any point leaves only the staging
 * directory, which pgset made itself and may remove; the source's repository is only read.
 *
 * <p>The private postgres listens on no TCP address, only on a Unix socket in a new directory that
 * only the postgres user can enter, where {@code pg_hba.conf} trusts the superuser: the restored
 * roles still have the source's passwords, which this cluster does not know.
 */
final class Restore {

    static final String STAGING = "pgdata.restore";
    /** Names the replay's socket directory while it exists, so that a later attempt removes it. */
    private static final String SOCKET_RECORD = "restore-socket.path";
    private static final Duration RESTORE_TIMEOUT = Duration.ofHours(24);
    private static final Duration SHORT = Duration.ofSeconds(60);

    private final InstanceOptions options;
    private final RestoreSource source;
    private final Tools tools;
    private final PostgresUser user;
    private final InstanceLog log;

    Restore(InstanceOptions options, RestoreSource source, Tools tools, PostgresUser user, InstanceLog log) {
        this.options = options;
        this.source = source;
        this.tools = tools;
        this.user = user;
        this.log = log;
    }

    /**
     * Restores, replays and promotes, then moves the result to {@code pgdata} (absent or empty).
     *
     * @return what was done, for the log
     * @throws DataDirectory.DataRefusedException when the source or the target cannot give a
     *         database (no backup, several incarnations, a target outside what was archived)
     */
    String run(Secrets secrets) throws IOException, InterruptedException {
        Path volume = options.volume();
        Path state = volume.resolve("pgbackrest-restore");
        for (String dir : List.of("lock", "spool", "log")) {
            user.privateDirectory(state.resolve(dir));
        }
        Path staging = volume.resolve(STAGING);
        String incarnation = incarnation(state, staging);
        Path conf = volume.resolve("pgbackrest-restore.conf");
        user.privateFile(conf, PgBackRestRestore.conf(source.stanza(), source.repository(),
                source.defaultPosixPath().toString(), incarnation, keys(), state.toString(), staging.toString()));
        user.privateDirectory(staging);
        String target = PgBackRestRestore.describe(source.target());
        log.info("restoring cluster " + source.stanza() + " (system " + incarnation + ") from repository "
                + source.repository().name() + " into " + staging + ", to " + target);
        long start = System.nanoTime();
        List<String> restore = new ArrayList<>(List.of("pgbackrest", "--config=" + conf, "--stanza=" + source.stanza(),
                "--log-level-console=info", "--recovery-option=restore_command=pgbackrest --config=" + conf
                        + " --stanza=" + source.stanza() + " archive-get %f \"%p\""));
        restore.addAll(PgBackRestRestore.targetOptions(source.target()));
        restore.add("restore");
        Tools.Ran ran = tools.execute(RESTORE_TIMEOUT, "pgbackrest", user.command(restore));
        System.out.print(ran.output());
        if (ran.exit() != 0) {
            throw refused(explainRestore(ran.output()));
        }
        log.info(String.format("restored the backup in %.1f s; replaying WAL to %s", seconds(start), target));
        replay(staging, secrets);
        Path pgdata = options.pgdata();
        if (Files.exists(pgdata)) {
            Files.delete(pgdata); // fails unless it is empty: nothing is lost
        }
        DurableFiles.move(staging, pgdata);
        Files.deleteIfExists(conf);
        return String.format("restored from cluster %s's repository %s to %s and promoted (%.1f s)", source.stanza(),
                source.repository().name(), target, seconds(start));
    }

    /** An s3 source's keys, from the secrets file its spec names. */
    private Map<String, S3Keys> keys() throws IOException {
        try {
            return S3KeyFiles.read(source.repository(), "cluster " + source.stanza() + "'s repository "
                    + source.repository().name());
        } catch (IOException e) {
            throw refused(e.getMessage());
        }
    }

    /** The source's system identifier: given, or the one incarnation its repository holds. */
    private String incarnation(Path state, Path staging) throws IOException {
        Path conf = options.volume().resolve("pgbackrest-restore.conf");
        user.privateFile(conf, PgBackRestRestore.conf(source.stanza(), source.repository(),
                source.defaultPosixPath().toString(), "", keys(), state.toString(), staging.toString()));
        Tools.Ran ls = tools.execute(SHORT, "pgbackrest", user.command(List.of("pgbackrest", "--config=" + conf,
                "--log-level-console=warn", "repo-ls")));
        if (ls.exit() != 0) {
            throw refused("cannot list repository " + source.repository().name() + " of cluster " + source.stanza()
                    + " (pgbackrest repo-ls exit code " + ls.exit() + ": " + lastLines(ls.output(), 2) + ")");
        }
        List<String> found = ls.output().lines().map(String::strip).filter(l -> l.matches("[0-9]{1,20}")).toList();
        String wanted = source.systemIdentifier();
        if (!wanted.isEmpty() && !found.contains(wanted)) {
            throw refused("spec.bootstrap.recovery.source.systemIdentifier: repository " + source.repository().name()
                    + " of cluster " + source.stanza() + " holds no backups of database system " + wanted
                    + (found.isEmpty() ? " (it holds none at all)" : " (it holds: " + String.join(", ", found) + ")"));
        }
        if (!wanted.isEmpty() || found.size() == 1) {
            return wanted.isEmpty() ? found.get(0) : wanted;
        }
        throw refused(found.isEmpty()
                ? "repository " + source.repository().name() + " of cluster " + source.stanza() + " holds no backups"
                : "repository " + source.repository().name() + " of cluster " + source.stanza() + " holds "
                        + found.size() + " incarnations (" + String.join(", ", found) + "); choose one with"
                        + " spec.bootstrap.recovery.source.systemIdentifier");
    }

    /**
     * Starts a private postgres on the restored files, waits until replay has reached the target
     * and promoted, gives the roles this cluster's passwords, resets what the restore put into
     * postgresql.auto.conf, and stops it cleanly.
     */
    private void replay(Path staging, Secrets secrets) throws IOException, InterruptedException {
        Path socket = socketDirectory();
        Files.deleteIfExists(staging.resolve("standby.signal")); // a backup taken from a standby must not stay one
        boolean archives = options.spec().backup().enabled() && options.backups().isPresent();
        user.privateFile(staging.resolve("postgresql.conf"), String.join("\n",
                "# Written by pgset for the replay of a restore only; replaced before the instance starts.",
                "listen_addresses = ''",
                "port = " + options.port(),
                "unix_socket_directories = " + PostgresConfRenderer.quote(socket.toString()),
                "unix_socket_permissions = 0700",
                // No read-only sessions during replay: then the source's max_connections and the
                // like need not be matched, and nobody reads data that is not yet at the target.
                "hot_standby = off",
                // Segments and the history file of the new timeline are marked for archiving and
                // wait until the instance starts with this cluster's archive.
                "archive_mode = " + (archives ? "on" : "off"),
                "archive_command = 'false'",
                "ssl = off",
                "logging_collector = off",
                ""));
        user.privateFile(staging.resolve("pg_hba.conf"), "local all postgres trust\n");
        Path output = options.volume().resolve("restore-replay.log");
        Process postgres = new ProcessBuilder(tools.command("postgres", "-D", staging.toString()))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        postgres.getOutputStream().close();
        long start = System.nanoTime();
        try {
            boolean promoted = Poll.until(Poll.FOREVER, Duration.ofMillis(500), () -> {
                if (!postgres.isAlive()) {
                    throw new Poll.GiveUp(new IllegalStateException("postgres exited with code " + postgres.exitValue()));
                }
                return sql(socket, "select pg_is_in_recovery()").equals("f");
            });
            if (!promoted) {
                throw new IOException("replay did not end");
            }
            log.info(String.format("replay reached %s and promoted in %.1f s", PgBackRestRestore.describe(source.target()),
                    seconds(start)));
            takePasswords(socket, secrets);
            tools.run(Duration.ofMinutes(30), "pg_ctl", "stop", "-D", staging.toString(), "-m", "fast", "-w", "-t", "1800");
            postgres.waitFor();
        } catch (IllegalStateException exited) {
            String why = Files.readString(output, StandardCharsets.UTF_8);
            throw refused("replaying the archived WAL to " + PgBackRestRestore.describe(source.target()) + " failed ("
                    + exited.getMessage() + "): " + explain(why));
        } finally {
            if (postgres.isAlive()) {
                postgres.destroyForcibly().waitFor();
            }
            removeSocketDirectory(socket);
        }
        Files.deleteIfExists(output);
    }

    /**
     * A new private directory for the replay's socket. A socket's path may not be longer than 107
     * bytes, which a volume deep in a long PGSET_HOME can exceed, so it is made in the temporary
     * directory, or on the volume where that cannot be written (a pod's read-only root).
     */
    private Path socketDirectory() throws IOException {
        Path record = options.volume().resolve(SOCKET_RECORD);
        if (Files.exists(record)) { // an attempt that was killed left its directory behind
            Path left = Path.of(Files.readString(record).strip());
            // Only what this class makes: the record lies on a volume the postgres user may write.
            boolean ours = left.equals(options.volume().resolve("restore-socket"))
                    || (left.getParent() != null && left.getParent().equals(Path.of(System.getProperty("java.io.tmpdir")))
                    && left.getFileName().toString().startsWith("pgset-restore-"));
            if (ours) {
                removeSocketDirectory(left);
            }
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("pgset-restore-");
        } catch (IOException readOnly) {
            dir = options.volume().resolve("restore-socket");
        }
        DurableFiles.write(record, dir + "\n");
        user.privateDirectory(dir);
        return dir;
    }

    /** The socket and its lock file stay behind when postgres is killed; nothing else is in there. */
    private void removeSocketDirectory(Path dir) {
        try {
            if (Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(dir);
            }
            Files.deleteIfExists(options.volume().resolve(SOCKET_RECORD));
        } catch (IOException e) {
            log.info("could not remove " + dir + " (the restore's socket directory): " + e.getMessage());
        }
    }

    /**
     * The restored roles keep the source's passwords; this cluster's secrets replace them, and the
     * restore's recovery settings leave postgresql.auto.conf (the spec configures this cluster).
     */
    private void takePasswords(Path socket, Secrets secrets) throws IOException {
        String owner = options.spec().bootstrap().initdb().owner();
        String script = String.join("\n",
                "ALTER ROLE postgres PASSWORD " + literal(secrets.superuserPassword()) + ";",
                ifRoleExists(HbaRenderer.REPLICATION_USER, secrets.replicationPassword()),
                ifRoleExists(owner, secrets.appPassword()),
                "ALTER SYSTEM RESET ALL;",
                "CHECKPOINT;",
                "");
        Path file = options.volume().resolve("restore-passwords.sql");
        user.privateFile(file, script);
        try {
            tools.output(SHORT, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socket.toString(), "-p",
                    Integer.toString(options.port()), "-U", "postgres", "-d", "postgres", "-f", file.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String ifRoleExists(String role, String password) {
        return "DO $pgset$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = " + literal(role) + ") THEN"
                + " EXECUTE format('ALTER ROLE %I PASSWORD %L', " + literal(role) + ", " + literal(password) + ");"
                + " END IF; END $pgset$;";
    }

    private String sql(Path socket, String query) throws IOException {
        return tools.output(Duration.ofSeconds(10), "psql", "-X", "-A", "-t", "-h", socket.toString(), "-p",
                Integer.toString(options.port()), "-U", "postgres", "-d", "postgres", "-c", query).strip();
    }

    /** What pgBackRest said about why it could not restore, in a user's words where the cause is known. */
    String explainRestore(String output) {
        String errors = String.join(" / ", output.lines().filter(l -> l.contains("ERROR:"))
                .map(l -> l.substring(l.indexOf("ERROR:")).strip()).toList());
        if (output.contains("unable to find backup set with stop time less than")) {
            return "spec.bootstrap.recovery.target.time: no backup of cluster " + source.stanza() + " ended before the"
                    + " target time, and replay can only"
                    + " begin at the end of a backup; choose a time after the end of its first backup (`pgset backups "
                    + source.stanza() + "` lists them) (" + errors + ")";
        }
        return "pgbackrest restore failed: " + (errors.isEmpty() ? lastLines(output, 3) : errors);
    }

    /** What postgres said about why replay stopped, in a user's words where the cause is known. */
    static String explain(String output) {
        if (output.contains("recovery ended before configured recovery target was reached")) {
            return "spec.bootstrap.recovery.target: the target is after the last archived WAL of the source; choose an"
                    + " earlier target, or leave the target out to recover everything that was archived";
        }
        if (output.contains("requested recovery stop point is before consistent recovery point")) {
            return "spec.bootstrap.recovery.target: the target is before the end of the backup it was restored from,"
                    + " which is the earliest point it can reach; choose a later target";
        }
        return lastLines(output, 5);
    }

    private DataDirectory.DataRefusedException refused(String why) {
        return new DataDirectory.DataRefusedException("pod " + options.pod() + ": " + RestoreSource.FAILED
                + source.stanza() + "): " + why + ". Nothing of the source was changed; this cluster holds nothing yet: delete it"
                + " (pgset delete " + options.spec().name() + " --volumes), fix spec.bootstrap.recovery and create it again");
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    static String lastLines(String text, int n) {
        List<String> lines = text.strip().lines().filter(l -> !l.isBlank()).toList();
        return String.join(" / ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
