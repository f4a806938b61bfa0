package io.pgset.instance;

import io.pgset.core.model.BackupReport;
import io.pgset.core.model.BackupReport.State;
import io.pgset.core.model.BackupSpec;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Role;
import io.pgset.instance.RequestBodies.BackupRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Backups the instance API is asked for ({@code POST /backup}): {@code pgbackrest backup} run by
 * the instance manager on its own volume, with its own pgbackrest.conf, because that is where the
 * data is (on Kubernetes nothing else mounts the volume). A backup can take hours, so it runs on
 * a thread of its own and {@link #last} says how it goes; one at a time.
 *
 * <p>Only a primary takes them: pgBackRest's backup-standby reads from a standby but still needs
 * the primary's files at hand, which a pod has only for itself. The last report lives as long as
 * the instance manager; a caller that finds none after asking knows the manager restarted.
 */
final class InstanceBackups implements AutoCloseable {

    private final PgBackRest pgBackRest;
    private final PostgresUser user;
    private final InstanceOptions options;
    private final InstanceLog log;
    private final Clock clock;
    private final ExecutorService worker;
    private final BackupRun run = new BackupRun();
    private BackupReport last;

    InstanceBackups(PgBackRest pgBackRest, PostgresUser user, InstanceOptions options, InstanceLog log, Clock clock) {
        this.pgBackRest = pgBackRest;
        this.user = user;
        this.options = options;
        this.log = log;
        this.clock = clock;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "backup-" + options.pod());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the backup and returns what {@link #last} then says.
     *
     * @throws ApiServer.BadRequest when the spec has no such repository
     * @throws ApiServer.Conflict   when one runs, the instance is not the primary, or it has no backup section
     */
    synchronized BackupReport start(ClusterSpec spec, InstanceStatus status, BackupRequest request)
            throws ApiServer.BadRequest, ApiServer.Conflict {
        if (!pgBackRest.enabled(spec)) {
            throw new ApiServer.Conflict("cluster " + spec.name() + " has no spec.backup: nothing to back up to");
        }
        int count = spec.backup().repositories().size();
        if (request.repo() > count) {
            throw new ApiServer.BadRequest("repo: " + request.repo() + " is not a repository; spec.backup.repositories has "
                    + count + " (" + String.join(", ", spec.backup().repositories().stream()
                    .map(BackupSpec.RepositorySpec::name).toList()) + ")");
        }
        if (last != null && last.running()) {
            throw new ApiServer.Conflict("a " + last.type() + " backup to repository " + last.repo() + " runs since "
                    + last.started() + "; GET /backup says when it ends");
        }
        if (status.role() != Role.PRIMARY) {
            throw new ApiServer.Conflict(options.pod() + " is " + (status.role() == Role.REPLICA ? "a replica"
                    : "not running as the primary now (" + status.message() + ")")
                    + ": backups are taken on the primary, whose volume holds the files pgBackRest must read");
        }
        Instant started = clock.instant();
        BackupReport begun = new BackupReport(State.RUNNING, request.type().option(), request.repo(),
                started.toString(), 0, "", "", "");
        last = begun;
        log.info(request.type().option() + " backup to repository " + request.repo() + " started");
        List<String> command = PgBackRest.command(user, options.volume(), options.host(), spec.name(),
                List.of("--type=" + request.type().option(), "--repo=" + request.repo(), "--log-level-console=info",
                        "backup"));
        worker.submit(() -> finish(begun, command));
        return begun;
    }

    /** The backup that runs, or the last that ran; empty when none ran since the instance manager started. */
    synchronized Optional<BackupReport> last() {
        if (last == null || !last.running()) {
            return Optional.ofNullable(last);
        }
        return Optional.of(new BackupReport(State.RUNNING, last.type(), last.repo(), last.started(),
                seconds(Duration.between(Instant.parse(last.started()), clock.instant())), "", "", ""));
    }

    private void finish(BackupReport begun, List<String> command) {
        BackupRun.Result result;
        try {
            result = run.run(command, line -> log.info("pgbackrest: " + line));
        } catch (IOException e) {
            result = new BackupRun.Result(-1, Duration.between(Instant.parse(begun.started()), clock.instant()),
                    Optional.empty(), Optional.empty(), "pgbackrest could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new BackupRun.Result(-1, Duration.between(Instant.parse(begun.started()), clock.instant()),
                    Optional.empty(), Optional.empty(), "stopped: the instance manager is shutting down");
        }
        BackupReport done = new BackupReport(result.ok() ? State.SUCCEEDED : State.FAILED, begun.type(), begun.repo(),
                begun.started(), seconds(result.took()), result.label().orElse(""), result.size().orElse(""),
                result.ok() ? "" : result.error());
        if (result.ok()) {
            log.info(begun.type() + " backup to repository " + begun.repo() + " completed in " + done.tookSeconds()
                    + " s, label " + done.label());
        } else {
            log.warn(begun.type() + " backup to repository " + begun.repo() + " failed after " + done.tookSeconds()
                    + " s: " + done.error());
        }
        synchronized (this) {
            last = done;
        }
    }

    private static double seconds(Duration took) {
        return Math.round(took.toMillis() / 100.0) / 10.0;
    }

    /** Stops a running backup: pgBackRest ends it cleanly, and a later backup resumes or redoes it. */
    @Override
    public void close() {
        run.cancel();
        worker.shutdownNow();
    }
}
