package io.pgset.local;

import io.pgset.core.control.Event;
import io.pgset.core.control.Event.Reason;
import io.pgset.core.control.EventSink;
import io.pgset.core.json.JsonTree;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.plan.BackupSchedulePlanner;
import io.pgset.core.plan.BackupSchedulePlanner.Due;
import io.pgset.core.plan.BackupSchedulePlanner.Plan;
import io.pgset.core.plan.BackupSchedulePlanner.Slot;
import io.pgset.instance.BackupRun;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The local controller's backup schedule ({@code spec.backup.schedule}, read in the clock's time
 * zone, as crontab does). {@link #tick} is called on every controller pass and never blocks: a due
 * backup runs on its own thread, one at a time per cluster. A backup that comes due while another
 * runs, or while the cluster has no primary, waits and then runs once
 * ({@link BackupSchedulePlanner} has the rules). Backups go to repository 1.
 *
 * <p>The slots and the last run are kept in {@code backup-schedule.json} in the cluster home,
 * written durably before a backup starts, so that a restarted controller neither repeats it nor
 * runs one backup per missed time.
 */
final class ScheduledBackups implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("pgset.backups");
    private static final int REPOSITORY = 1;

    private final ClusterHome home;
    private final EventSink events;
    private final Clock clock;
    private final Path file;
    private final ExecutorService worker;
    private final BackupRun run = new BackupRun();
    private Map<BackupType, Slot> slots;
    private JsonTree last;
    private Future<?> running;

    ScheduledBackups(ClusterHome home, EventSink events, Clock clock) {
        this.home = home;
        this.events = events;
        this.clock = clock;
        this.file = home.dir().resolve("backup-schedule.json");
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "backup-" + home.name());
            t.setDaemon(true);
            return t;
        });
        JsonTree kept = Json.read(file).orElse(Json.object());
        this.slots = readSlots(kept.path("slots"));
        this.last = kept.path("last").isObject() ? kept.path("last") : null;
    }

    /** Starts the backup that is due, if one is and none runs; never throws. */
    synchronized void tick(ClusterSpec spec, ClusterStatus status) {
        try {
            if (!spec.backup().enabled()) {
                return;
            }
            Instant now = clock.instant();
            Plan plan = BackupSchedulePlanner.plan(spec.backup().schedule(), slots, now, clock.getZone());
            if (plan.due().isEmpty() || (running != null && !running.isDone()) || status.primary() == null
                    || status.primary().isEmpty()) {
                keep(plan.slots());
                return;
            }
            ClusterPgBackRest pgbackrest = ClusterPgBackRest.of(home, spec, status);
            Due due = plan.due().get();
            keep(BackupSchedulePlanner.started(plan, due, now, clock.getZone()));
            String what = due.type().option() + " backup to " + pgbackrest.describe(REPOSITORY);
            long late = Duration.between(due.dueAt(), now).toSeconds();
            events.record(Event.normal(Reason.BackupStarted, spec.name(), pgbackrest.source(), "scheduled " + what
                    + " (due " + due.dueAt() + (late > 5 ? ", " + late + " s ago" : "") + ")"));
            running = worker.submit(() -> backup(spec.name(), due.type(), pgbackrest, what));
        } catch (RuntimeException | IOException e) {
            LOG.warn("cluster={} backup schedule: {}", home.name(), e.toString());
        }
    }

    private void backup(String cluster, BackupType type, ClusterPgBackRest pgbackrest, String what) {
        Instant started = clock.instant();
        BackupRun.Result result;
        try {
            result = run.run(pgbackrest.backup(type, REPOSITORY), line -> LOG.debug("cluster={} {}", cluster, line));
            if (!result.ok() && pgbackrest.standbyCouldNotServe(result.error())) {
                LOG.info("cluster={} {} : the standby could not serve ({}); taking it from the primary", cluster, what,
                        result.error());
                pgbackrest = pgbackrest.fromPrimary();
                result = run.run(pgbackrest.backup(type, REPOSITORY), line -> LOG.debug("cluster={} {}", cluster, line));
            }
        } catch (IOException e) {
            result = new BackupRun.Result(-1, Duration.ZERO, java.util.Optional.empty(), java.util.Optional.empty(),
                    "pgbackrest could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        String took = String.format(Locale.ROOT, "%.1f s", result.took().toMillis() / 1000.0);
        if (result.ok()) {
            events.record(Event.normal(Reason.BackupCompleted, cluster, pgbackrest.source(), what + " completed in "
                    + took + ", " + result.size().orElse("size unknown") + result.label().map(l -> ", label " + l)
                    .orElse("")));
        } else {
            events.record(Event.warning(Reason.BackupFailed, cluster, pgbackrest.source(), what + " failed after "
                    + took + ": " + result.error() + "; the next runs at its scheduled time, `pgset backup "
                    + cluster + "` takes one now"));
        }
        JsonTree record = Json.object().put("type", type.option()).put("source", pgbackrest.source())
                .put("started", started.toString()).put("finished", clock.instant().toString())
                .put("ok", result.ok()).put("label", result.label().orElse("")).put("error", result.error());
        synchronized (this) {
            last = record;
            try {
                write();
            } catch (IOException e) {
                LOG.warn("cluster={} cannot record the last backup in {}: {}", cluster, file, e.toString());
            }
        }
    }

    /** Replaces the kept slots, durably, when they changed. */
    private void keep(Map<BackupType, Slot> next) throws IOException {
        if (!next.equals(slots)) {
            slots = next;
            write();
        }
    }

    private void write() throws IOException {
        JsonTree root = Json.object();
        JsonTree out = root.putObject("slots");
        slots.forEach((type, slot) -> out.putObject(type.option()).put("cron", slot.cron())
                .put("due", slot.due().toString()));
        if (last != null) {
            root.put("last", last);
        }
        Json.write(file, root);
    }

    private static Map<BackupType, Slot> readSlots(JsonTree node) {
        Map<BackupType, Slot> read = new EnumMap<>(BackupType.class);
        node.fieldMap().entrySet().forEach(e -> {
            try {
                read.put(BackupType.of(e.getKey()), new Slot(e.getValue().path("cron").asText(),
                        Instant.parse(e.getValue().path("due").asText())));
            } catch (RuntimeException unreadable) {
                LOG.warn("ignoring unreadable backup slot {}: {}", e.getKey(), unreadable.toString());
            }
        });
        return read;
    }

    /** Stops a running backup: pgBackRest ends it cleanly, and a later backup resumes or redoes it. */
    @Override
    public void close() {
        run.cancel();
        worker.shutdownNow();
    }
}
