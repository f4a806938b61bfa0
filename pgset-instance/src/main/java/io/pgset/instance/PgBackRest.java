package io.pgset.instance;

import io.pgset.core.config.PgBackRestConfRenderer;
import io.pgset.core.config.PgBackRestConfRenderer.BackupInstance;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.PosixRepository;
import io.pgset.core.model.BackupSpec.RepositorySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * pgBackRest for one instance: its configuration and directories on the instance's volume, and
 * the command line that runs it. The instance manager writes the configuration with
 * postgresql.conf and creates the stanza on a primary; {@code pgset backup} runs it the same way.
 */
public final class PgBackRest {

    private static final Duration STANZA_CREATE = Duration.ofSeconds(30);

    private final InstanceOptions options;
    private final PostgresUser user;
    private final Tools tools;
    private final InstanceLog log;
    /** The pgbackrest.conf whose stanza was created by this process; empty before. */
    private volatile String stanzaCreatedFor = "";

    PgBackRest(InstanceOptions options, PostgresUser user, Tools tools, InstanceLog log) {
        this.options = options;
        this.user = user;
        this.tools = tools;
        this.log = log;
    }

    public static Path configFile(Path volume) {
        return volume.resolve("pgbackrest.conf");
    }

    /**
     * The command line that runs pgBackRest as the postgres user with the configuration of the
     * instance whose volume this is. It reaches postgres over TCP at {@code host} as the superuser:
     * the environment is cleared by setpriv, so PGHOST and PGPASSFILE ride as arguments of env.
     */
    public static List<String> command(PostgresUser user, Path volume, String host, String stanza, List<String> args) {
        List<String> command = new ArrayList<>(List.of("env", "PGHOST=" + host,
                "PGPASSFILE=" + DataDirectory.superuserPassfile(volume), "pgbackrest",
                "--config=" + configFile(volume), "--stanza=" + stanza));
        command.addAll(args);
        return user.command(command);
    }

    /** Whether this instance archives: the spec has a backup section and the runtime applies it. */
    boolean enabled(ClusterSpec spec) {
        return spec.backup().enabled() && options.backups().isPresent();
    }

    /**
     * Writes pgbackrest.conf and makes its directories; returns what postgresql.conf must add
     * (nothing when the instance does not archive). The file is private to postgres (0600) because
     * it holds the keys of the s3 repositories.
     *
     * @param systemIdentifier the database's, from pg_control
     */
    Map<String, String> configure(ClusterSpec spec, String systemIdentifier) throws IOException {
        if (!enabled(spec)) {
            return Map.of();
        }
        Path state = options.volume().resolve("pgbackrest");
        for (String dir : List.of("lock", "spool", "log")) {
            user.privateDirectory(state.resolve(dir));
        }
        Path defaultPath = options.backups().orElseThrow();
        for (RepositorySpec repository : spec.backup().repositories()) {
            if (repository instanceof PosixRepository posix && posix.path().isEmpty()) {
                user.privateDirectory(defaultPath);
            } else if (repository instanceof PosixRepository posix && !Files.exists(Path.of(posix.path()))) {
                user.privateDirectory(Path.of(posix.path()));
            }
        }
        String conf = PgBackRestConfRenderer.render(spec, new BackupInstance(options.pgdata().toString(),
                options.port(), state.toString(), defaultPath.toString()), systemIdentifier, S3KeyFiles.read(spec, options.s3Secrets()));
        Path file = configFile(options.volume());
        user.privateFile(file, conf);
        return PgBackRestConfRenderer.archiveSettings(spec, file.toString());
    }

    /**
     * Creates the stanza on a running primary, once for each configuration it archives with (the
     * file names the repositories and the system identifier), so that calling it often costs
     * nothing. Until it exists archive-push fails and postgres keeps the WAL, so a failure here is
     * logged and tried again later: nothing is lost.
     *
     * @return whether this call created it (then WAL that waited can be archived now)
     */
    boolean ensureStanza(ClusterSpec spec) {
        if (!enabled(spec)) {
            return false;
        }
        String configuration;
        try {
            configuration = Files.readString(configFile(options.volume()));
        } catch (IOException e) {
            return false; // not written yet: postgres has not started with archiving
        }
        if (configuration.equals(stanzaCreatedFor)) {
            return false;
        }
        try {
            Tools.Ran ran = tools.execute(STANZA_CREATE, "pgbackrest", command(user, options.volume(), options.host(),
                    spec.name(), List.of("--log-level-console=warn", "stanza-create")));
            if (ran.exit() != 0) {
                log.warn("pgbackrest stanza-create failed with exit code " + ran.exit() + ", WAL is kept until"
                        + " archiving works: " + ran.output().strip());
            } else {
                stanzaCreatedFor = configuration;
                log.info("pgbackrest stanza " + spec.name() + " ready");
                return true;
            }
        } catch (IOException e) {
            log.warn("pgbackrest stanza-create could not run, WAL is kept until archiving works: " + e.getMessage());
        }
        return false;
    }
}
