package io.pgset.instance;

import io.pgset.core.config.HbaRenderer;
import io.pgset.core.model.InstanceStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes a replica's data anew in the clone staging directory, renamed to {@code pgdata} when
 * complete: restored from the backup repository when it holds a backup of this system (see
 * {@link ReplicaRestore}), else copied from the upstream by pg_basebackup. A restore that fails
 * leaves only its own staging directory, which is removed before pg_basebackup.
 */
final class ReplicaClone {

    static final String STAGING = "pgdata.clone";

    private final InstanceOptions options;
    private final Tools tools;
    private final PostgresUser user;
    private final Clock clock;
    private final InstanceLog log;
    private final LibpqTls tls;
    private final Path replicationPassfile;
    private final ReplicaRestore replicaRestore;
    private final FileSystemSync fileSync;
    /** How this process last cloned the replica's data; null before it did. */
    private volatile InstanceStatus.Clone last;

    ReplicaClone(InstanceOptions options, Tools tools, PostgresUser user, Clock clock, InstanceLog log, LibpqTls tls,
                 Path replicationPassfile) {
        this.options = options;
        this.tools = tools;
        this.user = user;
        this.clock = clock;
        this.log = log;
        this.tls = tls;
        this.replicationPassfile = replicationPassfile;
        this.replicaRestore = new ReplicaRestore(options, new PgBackRest(options, user, tools, log), tools, user);
        this.fileSync = new FileSystemSync(tools);
    }

    /** How this process last cloned the replica's data (for its status); null before it did. */
    InstanceStatus.Clone last() {
        return last;
    }

    /**
     * @param upstreamIdentifier the upstream's system identifier, asked only when a backup might be restored
     * @return how it was cloned, for the log
     */
    String from(InstanceOptions.Endpoint upstream, Supplier<Optional<String>> upstreamIdentifier) throws IOException {
        Path staging = options.volume().resolve(STAGING);
        long start = System.nanoTime();
        ReplicaRestore.Result restored = replicaRestore.restore(options.spec(), upstreamIdentifier, staging);
        InstanceStatus.Clone clone;
        if (restored.backup().isPresent()) {
            clone = new InstanceStatus.Clone(InstanceStatus.Clone.Method.REPOSITORY, restored.backup().get(),
                    seconds(start), "", "", false);
        } else {
            if (restored.failed()) {
                log.warn("restoring from the backup repository failed, cloning with pg_basebackup instead: "
                        + restored.whyNot());
                if (Files.exists(staging)) {
                    StagedData.delete(staging); // the restore's own, never complete
                }
            } else {
                log.info("cloning with pg_basebackup: " + restored.whyNot());
            }
            start = System.nanoTime();
            baseBackup(upstream, staging);
            fileSync.sync(staging); // durable before it becomes pgdata
            clone = new InstanceStatus.Clone(InstanceStatus.Clone.Method.PG_BASEBACKUP, "", seconds(start), "",
                    (restored.failed() ? "restore from the repository failed: " : "") + restored.whyNot(),
                    restored.failed());
        }
        StagedData.markStandby(staging, user);
        StagedData.install(staging, options.pgdata());
        clone = new InstanceStatus.Clone(clone.method(), clone.backup(), clone.seconds(), clock.instant().toString(),
                clone.whyNotRepository(), clone.restoreFailed());
        last = clone;
        return clone.method() == InstanceStatus.Clone.Method.REPOSITORY
                ? String.format(Locale.ROOT, "restored backup %s from the repository in %.1f s; WAL since then comes"
                        + " from the archive and %s", clone.backup(), clone.seconds(), upstream)
                : String.format(Locale.ROOT, "cloned from %s with pg_basebackup in %.1f s", upstream, clone.seconds());
    }

    private void baseBackup(InstanceOptions.Endpoint upstream, Path staging) throws IOException {
        log.info("cloning from " + upstream);
        String conninfo = "host=" + upstream.host() + " port=" + upstream.port() + " user="
                + HbaRenderer.REPLICATION_USER + " passfile=" + replicationPassfile + tls.conninfo(true)
                + " connect_timeout=5";
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-d", conninfo, "-D",
                staging.toString(), "-X", "stream", "-S", options.spec().slotName(options.ordinal()), "-c", "fast",
                "--no-password"));
        args.addAll(fileSync.skipPerFileSync());
        tools.run(Duration.ofHours(6), "pg_basebackup", args.toArray(String[]::new));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
