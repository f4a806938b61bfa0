package io.pgset.instance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A new cluster's first initdb, started by {@code pgset up} as soon as it has written the spec and
 * the secrets, while the controller and the first instance manager start, and taken over by that
 * instance manager when it comes to make the database. On two cores initdb then runs beside the
 * JVMs' start instead of after it.
 *
 * <p>It writes only into the staging directory of a volume that did not exist, and the instance
 * manager decides as always whether the volume gets a new database ({@link DataRules}); the
 * initdb made ahead only stands in for the one it would run, and only when it is proven complete
 * and made as that one would be:
 * <ul>
 *   <li>the runner holds an exclusive {@code flock} on {@value #RECORD} from before initdb starts
 *       until initdb and every process it started (its single-user backends) have ended: the lock
 *       is on an open file that they all inherit, so a killed {@code pgset up} or runner leaves it
 *       held for as long as anything may still write to the staging directory;</li>
 *   <li>after initdb exited with 0, and only then, the runner appends a line naming this boot of the
 *       machine and a digest of initdb's program, arguments and superuser password;</li>
 *   <li>the instance manager waits for the lock, then takes the staging directory only when that
 *       line is there and matches its own boot and initdb. A machine that crashed since may have
 *       lost files initdb wrote (they were not synced), and another spec or password would make
 *       another database: anything else is deleted as an unfinished staging directory, and the
 *       instance manager runs initdb itself.</li>
 * </ul>
 * The instance manager syncs the staging directory and renames it to {@code pgdata} as after its
 * own initdb.
 *
 * <p>The runner starts in a session of its own ({@code setsid}, which, as the JVM's child is no
 * process group leader, keeps the runner's pid). With Linux's autogroup scheduling each session
 * shares the CPU as one: in the session of {@code pgset up} initdb shared its share with that busy
 * JVM, and beside three busy sessions it took 1.36 s in its own against 1.69 s there (medians of
 * six). It also outlives a Ctrl-C of {@code up}, which only leaves a volume whose initdb the next
 * start takes over, or removes, by the rules above.
 */
public final class InitdbAhead {

    /** The lock and the record, in the volume. */
    static final String RECORD = "initdb.ahead";
    /** initdb's output, in the volume, until the instance manager copies it to its log. */
    static final String LOG = RECORD + ".log";
    /** The superuser password for initdb, in the volume while initdb runs. */
    static final String PASSWORD_FILE = RECORD + ".pw";
    /** How long {@code pgset up} waits for the runner to hold its lock. */
    private static final Duration LOCKED_WITHIN = Duration.ofSeconds(5);
    /** flock's exit code when the lock stayed taken. */
    private static final int TIMED_OUT = 75;

    /**
     * The runner: takes the lock on a new file, then gives it its name ($1), so the record is never
     * seen unlocked; says so; runs initdb with its output in the log; records a success.
     */
    private static final String RUNNER = """
            exec 9>>"$1.new" && flock -n 9 && : >"$1.new" && mv "$1.new" "$1" || exit 97
            echo locked
            record=$1 line=$2 password=$3
            shift 3
            "$@" >>"$record.log" 2>&1
            code=$?
            rm -f "$password"
            if [ $code -eq 0 ]; then printf '%s\\n' "$line" >&9; fi
            exit $code
            """;

    private InitdbAhead() {}

    /** initdb's arguments for a new database in {@code staging}, the same ahead or not. */
    static List<String> arguments(Path staging, Path passwordFile, boolean dataChecksums, FileSystemSync sync) {
        List<String> args = new ArrayList<>(List.of("-D", staging.toString(), "-U", "postgres",
                "--pwfile=" + passwordFile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"));
        if (dataChecksums) {
            args.add("--data-checksums");
        }
        args.addAll(sync.skipPerFileSync());
        return args;
    }

    /** A started initdb ahead; {@link #abandon} stops it when {@code up} fails before handing over. */
    public static final class Started {
        private final Process runner;
        private final Path volume;

        private Started(Process runner, Path volume) {
            this.runner = runner;
            this.volume = volume;
        }

        /** The runner, whose descendants are initdb and what it started. */
        Process runner() {
            return runner;
        }

        /**
         * Stops the runner and initdb and waits until nothing holds the lock any more, so that the
         * volume may be deleted: nothing writes to it from then on.
         */
        public void abandon() {
            runner.descendants().forEach(ProcessHandle::destroyForcibly);
            runner.destroyForcibly();
            try {
                awaitUnlocked(volume.resolve(RECORD), Duration.ofSeconds(30));
            } catch (IOException e) {
                // nothing more to do: the instance manager, if one comes, waits for the lock itself
            }
        }
    }

    /**
     * Starts initdb into {@code volume}'s staging directory, creating the volume, which must not
     * exist: only a volume that pgset makes now can hold nothing to lose. Returns once the runner
     * holds its lock; empty, having started nothing, when the volume exists already.
     *
     * @param binDir the spec's PostgreSQL bin directory
     */
    public static Optional<Started> start(Path volume, Path binDir, boolean dataChecksums, String superuserPassword)
            throws IOException {
        if (Files.exists(volume, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        PostgresUser user = PostgresUser.current();
        Files.createDirectories(volume.getParent());
        user.volumeRoot(volume);
        Path passwordFile = volume.resolve(PASSWORD_FILE);
        user.privateFile(passwordFile, superuserPassword + "\n");
        Tools tools = new Tools(binDir, user);
        FileSystemSync sync = new FileSystemSync(tools);
        List<String> initdb = tools.command("initdb", arguments(volume.resolve(DataDirectory.INITDB_STAGING),
                passwordFile, dataChecksums, sync).toArray(String[]::new));
        List<String> command = new ArrayList<>(List.of("setsid", "sh", "-c", RUNNER, "sh",
                volume.resolve(RECORD).toString(), completeLine(binDir, dataChecksums, sync, superuserPassword),
                passwordFile.toString()));
        command.addAll(initdb);
        Process runner = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        CompletableFuture<String> said = CompletableFuture.supplyAsync(() -> firstLine(runner));
        String line;
        try {
            line = said.get(LOCKED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            line = null;
        } catch (ExecutionException | TimeoutException e) {
            line = null;
        }
        if (!"locked".equals(line)) {
            new Started(runner, volume).abandon();
            throw new IOException("initdb ahead did not start in " + volume + (line == null ? "" : ": " + line));
        }
        return Optional.of(new Started(runner, volume));
    }

    private static String firstLine(Process process) {
        try {
            return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The instance manager's side, before it looks at its volume: when an initdb was started ahead
     * here, waits until it and everything it started have ended, copies its output to this log,
     * and says whether its staging directory holds a complete initdb made this boot as
     * {@code tools} would make it now. The record, log and password file are removed either way;
     * a staging directory that is not taken is left for the unfinished-staging clean-up.
     */
    static boolean takeOver(Path volume, Tools tools, FileSystemSync sync, boolean dataChecksums,
                            String superuserPassword, Duration wait, InstanceLog log) throws IOException {
        Path record = volume.resolve(RECORD);
        if (!Files.exists(record)) {
            return false;
        }
        if (!awaitUnlocked(record, wait)) {
            throw new IOException("initdb started ahead in " + volume + " still runs after " + wait.toSeconds()
                    + " s; stop it, or wait and start again");
        }
        Path output = volume.resolve(LOG);
        if (Files.exists(output)) {
            System.out.print(Files.readString(output, StandardCharsets.UTF_8));
        }
        List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
        boolean complete = lines.contains(completeLine(tools.binary("initdb").getParent(), dataChecksums, sync,
                superuserPassword));
        Files.deleteIfExists(volume.resolve(PASSWORD_FILE));
        Files.deleteIfExists(output);
        DurableFiles.delete(record);
        log.info(complete ? "initdb started ahead by pgset up completed: taking its database"
                : "initdb started ahead by pgset up did not complete, or not for this boot and spec: running initdb");
        return complete;
    }

    /** What the runner records once initdb exited with 0: this boot, and a digest of what initdb made. */
    private static String completeLine(Path binDir, boolean dataChecksums, FileSystemSync sync, String password) {
        List<String> made = new ArrayList<>();
        made.add(binDir.resolve("initdb").toString());
        made.addAll(arguments(Path.of("staging"), Path.of("password"), dataChecksums, sync));
        made.add(password);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\n", made).getBytes(StandardCharsets.UTF_8));
            return "complete boot=" + bootId() + " initdb=" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        } catch (IOException e) {
            return "unknown-" + java.util.UUID.randomUUID(); // matches nothing: initdb runs again
        }
    }

    /** Waits until no process holds an flock on {@code record}; false when {@code wait} passed first. */
    static boolean awaitUnlocked(Path record, Duration wait) throws IOException {
        if (!Files.exists(record)) {
            return true;
        }
        Process flock = new ProcessBuilder("flock", "--shared", "--timeout", Long.toString(wait.toSeconds()),
                "--conflict-exit-code", Integer.toString(TIMED_OUT), record.toString(), "true")
                .redirectErrorStream(true).start();
        try {
            if (!flock.waitFor(wait.toSeconds() + 5, TimeUnit.SECONDS)) {
                flock.destroyForcibly();
                return false;
            }
            String said = new String(flock.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (flock.exitValue() == TIMED_OUT) {
                return false;
            }
            if (flock.exitValue() != 0) {
                throw new IOException("flock " + record + " failed with exit code " + flock.exitValue() + ": " + said);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for initdb started ahead", e);
        }
    }
}
