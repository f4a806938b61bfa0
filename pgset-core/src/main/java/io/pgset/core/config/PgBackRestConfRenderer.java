package io.pgset.core.config;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.PosixRepository;
import io.pgset.core.model.BackupSpec.RepositorySpec;
import io.pgset.core.model.BackupSpec.S3Repository;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders an instance's pgbackrest.conf and the archiving settings its postgresql.conf gets.
 *
 * <p>One stanza per cluster, named after it. Each instance has its own file and its own lock,
 * spool and log directories under its volume, because several instances share one machine
 * locally and pgBackRest's locks are per stanza, not per instance. Every repository's path ends
 * in the cluster's system identifier, so that a new incarnation of a cluster with the same name
 * never writes into the archive of an old one. {@code archive-push-queue-max} is never set:
 * pgBackRest would then drop WAL to keep archiving going, and pgset never loses WAL that way.
 */
public final class PgBackRestConfRenderer {

    private PgBackRestConfRenderer() {}

    /**
     * Where one instance keeps what pgBackRest needs.
     *
     * @param dataDirectory   the instance's PGDATA
     * @param port            its postgres port; pgBackRest connects over TCP to the host that
     *                        {@code PGHOST} names (postgres has no Unix socket), with a passfile
     * @param stateDirectory  a directory of the instance's own volume for pgBackRest's lock, spool
     *                        and log; the runtime creates them (pgBackRest does not create log-path)
     * @param defaultPosixPath where a posix repository without a path lives (the runtime decides)
     */
    public record BackupInstance(String dataDirectory, int port, String stateDirectory, String defaultPosixPath) {}

    /**
     * The instance's pgbackrest.conf for a cluster whose repositories are all posix; {@code
     * spec.backup()} must be enabled.
     *
     * @param systemIdentifier the cluster's database system identifier (pg_controldata), in decimal
     * @throws IllegalArgumentException for an s3 repository, whose keys only the other form takes
     */
    public static String render(ClusterSpec spec, BackupInstance instance, String systemIdentifier) {
        return render(spec, instance, systemIdentifier, Map.of());
    }

    /**
     * The instance's pgbackrest.conf; {@code spec.backup()} must be enabled. The file holds the s3
     * keys, so the runtime writes it readable by the postgres user alone.
     *
     * @param systemIdentifier the cluster's database system identifier (pg_controldata), in decimal
     * @param s3Keys           the keys of each s3 repository, by repository name
     * @throws IllegalArgumentException when an s3 repository has no keys
     */
    public static String render(ClusterSpec spec, BackupInstance instance, String systemIdentifier,
            Map<String, S3Keys> s3Keys) {
        if (!spec.backup().enabled()) {
            throw new IllegalArgumentException("cluster=" + spec.name() + " has no spec.backup to render");
        }
        StringBuilder out = new StringBuilder("# Written by pgset. Rewritten at every start: change spec.backup instead.\n");
        Map<String, String> global = new LinkedHashMap<>();
        global.put("lock-path", instance.stateDirectory() + "/lock");
        global.put("spool-path", instance.stateDirectory() + "/spool");
        global.put("log-path", instance.stateDirectory() + "/log");
        global.put("log-level-console", "warn");
        global.put("log-level-file", "info");
        global.put("archive-async", "n");
        global.put("start-fast", "y");
        List<RepositorySpec> repositories = spec.backup().repositories();
        for (int i = 0; i < repositories.size(); i++) {
            String repo = "repo" + (i + 1);
            repository(global, repo, repositories.get(i), instance.defaultPosixPath(), systemIdentifier, s3Keys);
            global.put(repo + "-retention-full", Integer.toString(spec.backup().retention().full()));
        }
        section(out, "global", global);
        Map<String, String> stanza = new LinkedHashMap<>();
        stanza.put("pg1-path", instance.dataDirectory());
        stanza.put("pg1-port", Integer.toString(instance.port()));
        section(out, spec.name(), stanza);
        return out.toString();
    }

    /**
     * Where one repository is, as pgBackRest's {@code repoN-*} options.
     *
     * @param systemIdentifier the incarnation whose archive this is; empty for the repository's base,
     *                         which holds one directory per incarnation
     */
    static void repository(Map<String, String> options, String repo, RepositorySpec repository, String defaultPosixPath,
            String systemIdentifier, Map<String, S3Keys> s3Keys) {
        if (repository instanceof S3Repository s3) {
            S3Keys keys = s3Keys.get(s3.name());
            if (keys == null) {
                throw new IllegalArgumentException("no keys were given for s3 repository " + s3.name());
            }
            s3(options, repo, s3, keys, systemIdentifier);
            return;
        }
        PosixRepository posix = (PosixRepository) repository;
        String base = posix.path().isEmpty() ? defaultPosixPath : posix.path();
        options.put(repo + "-type", "posix");
        options.put(repo + "-path", systemIdentifier.isEmpty() ? base : base + "/" + systemIdentifier);
    }

    /**
     * The options that make one backup copy its files from a streaming standby (pgBackRest's
     * backup-standby) on this machine: the primary stays pg1 as its own pgbackrest.conf names it
     * (the backup starts and stops there, and its WAL is archived from there), the standby is pg2.
     * They go on the command line of that one backup, so that the configuration each instance
     * writes, repositories included, is used as it is and no instance archives as pg2.
     *
     * @param dataDirectory the standby's PGDATA
     * @param port          its postgres port, reached like the primary's (TCP, the same passfile)
     */
    public static List<String> standbyOptions(String dataDirectory, int port) {
        return List.of("--pg2-path=" + dataDirectory, "--pg2-port=" + port, "--backup-standby");
    }

    /**
     * An s3 repository. pgBackRest speaks only HTTPS to S3 and checks the server's certificate
     * against {@code caFile} when the spec names one, else against the system's authorities.
     */
    private static void s3(Map<String, String> global, String repo, S3Repository s3, S3Keys keys,
            String systemIdentifier) {
        String path = s3.path().endsWith("/") ? s3.path() : s3.path() + "/";
        global.put(repo + "-type", "s3");
        global.put(repo + "-path", systemIdentifier.isEmpty() ? path.substring(0, path.length() - 1) : path + systemIdentifier);
        global.put(repo + "-s3-endpoint", s3.host());
        global.put(repo + "-s3-port", Integer.toString(s3.port()));
        global.put(repo + "-s3-bucket", s3.bucket());
        global.put(repo + "-s3-region", s3.region());
        global.put(repo + "-s3-uri-style", s3.uriStyle().name().toLowerCase(Locale.ROOT));
        if (!s3.caFile().isEmpty()) {
            global.put(repo + "-storage-ca-file", s3.caFile());
        }
        global.put(repo + "-s3-key", keys.accessKeyId());
        global.put(repo + "-s3-key-secret", keys.secretAccessKey());
    }

    /**
     * What postgresql.conf gets when the spec has a backup section: archive_command runs on the
     * primary only (postgres does not archive while in recovery with archive_mode=on), and every
     * instance can fetch WAL from the archive when it needs it.
     *
     * @param configFile the instance's pgbackrest.conf, given on the command line because pgBackRest
     *                   runs with a cleared environment
     */
    public static Map<String, String> archiveSettings(ClusterSpec spec, String configFile) {
        Map<String, String> s = new LinkedHashMap<>();
        if (!spec.backup().enabled()) {
            return s;
        }
        String pgbackrest = "pgbackrest " + shellQuote("--config=" + configFile) + " "
                + shellQuote("--stanza=" + spec.name());
        s.put("archive_mode", "on");
        s.put("archive_command", pgbackrest + " archive-push %p");
        s.put("restore_command", pgbackrest + " archive-get %f \"%p\"");
        s.put("archive_timeout", spec.backup().archive().timeoutSeconds() + "s");
        return s;
    }

    static void section(StringBuilder out, String name, Map<String, String> options) {
        out.append('\n').append('[').append(name).append("]\n");
        options.forEach((option, value) -> out.append(option).append('=').append(value).append('\n'));
    }

    /** archive_command and restore_command run through /bin/sh. */
    static String shellQuote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
