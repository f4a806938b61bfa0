package io.pgset.kubernetes.operator;

import io.pgset.core.control.Event;
import io.pgset.core.control.Event.Reason;
import io.pgset.core.control.EventSink;
import io.pgset.core.control.InstanceClient;
import io.pgset.core.control.InstanceClient.BackupRefused;
import io.pgset.core.control.PodState;
import io.pgset.core.model.BackupReport;
import io.pgset.core.model.BackupSpec;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.plan.BackupSchedulePlanner;
import io.pgset.core.plan.BackupSchedulePlanner.Due;
import io.pgset.core.plan.BackupSchedulePlanner.Plan;
import io.pgset.kubernetes.api.BackupStatus;
import io.pgset.kubernetes.api.BackupStatus.Run;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled backups on Kubernetes ({@code spec.backup.schedule}, read in the operator clock's
 * zone, UTC). The operator keeps the schedule itself rather than rendering a CronJob: a backup
 * must run where the data is (pgBackRest reads PGDATA from the instance's own volume, and a
 * CronJob's pod would need the primary's volume or pgBackRest's TLS server in every pod), and the
 * operator already knows which pod is the primary. So the primary's instance manager runs
 * pgBackRest when the operator asks ({@code POST /backup}), and the schedule's state lives in
 * {@code status.backup}, so that a restarted operator neither repeats a backup nor runs one per
 * missed time ({@link BackupSchedulePlanner} has those rules). On every pass, which the reconciler
 * repeats each second (so no requeue at the due time is needed):
 *
 * <ol>
 *   <li>A backup that runs is followed with {@code GET /backup} on its pod. When it has ended it
 *       becomes {@code last}, with a BackupCompleted or BackupFailed event. A pod that is gone, or
 *       whose instance manager no longer knows of it (it restarted), lost it: that is a failure.</li>
 *   <li>Otherwise, when a type is due and the cluster has a ready primary, the primary is asked
 *       for it. Once it has started, the types it covers are next due at their next time, it is
 *       running in the status, and BackupStarted is told. Before asking, the primary's last
 *       backup is read: one that started after the due time and covers the type is that backup
 *       (an operator that stopped before it could publish the start finds it so) and is
 *       followed instead, never taken twice.</li>
 *   <li>A due backup that cannot start (no ready primary, the primary refuses because one runs)
 *       stays due and {@code waiting} says why; it runs once it can. Never two at once.</li>
 * </ol>
 *
 * Scheduled backups go to repository 1 and take their files from the primary. A backup asked for
 * by annotation ({@link BackupRequest}) is one more source of work for the same loop: it starts
 * before a due one when both wait, under the same one-at-a-time rule, and stands for no
 * scheduled time. Its value is published only once the primary has started it, so an operator
 * that stops in between asks again rather than losing the request.
 */
final class BackupScheduler {

    static final int REPOSITORY = 1;
    static final String RUNNING = "Running";
    static final String SUCCEEDED = "Succeeded";
    static final String FAILED = "Failed";
    private static final Logger LOG = LoggerFactory.getLogger(BackupScheduler.class);

    private final String cluster;
    private final InstanceClient instances;
    private final EventSink events;
    private final Clock clock;
    /**
     * status.backup as this scheduler last left it: while the operator runs, its own memory is
     * surer than a cached copy of the resource, which may lag behind its last write.
     */
    private BackupStatus known;

    BackupScheduler(String cluster, InstanceClient instances, EventSink events, Clock clock) {
        this.cluster = cluster;
        this.instances = instances;
        this.events = events;
        this.clock = clock;
    }

    /** Goes on from where {@code before} (the scheduler of the cluster's previous spec) left off. */
    void takeOver(BackupScheduler before) {
        known = before.known;
    }

    /**
     * One pass; returns status.backup as it is now. Never throws.
     *
     * @param published   status.backup as the resource has it, read when this scheduler knows nothing yet
     * @param annotations the resource's, where a backup may be asked for
     */
    BackupStatus pass(BackupStatus published, ClusterSpec spec, ClusterStatus status, List<PodState> pods,
                      Map<String, String> annotations) {
        BackupState state = BackupState.of(known != null ? known : published);
        if (!spec.backup().enabled()) {
            known = state.unscheduled();
            return known;
        }
        try {
            if (state.running != null) {
                follow(state, spec, pods);
            }
            if (state.running == null && !startRequested(state, spec, status, pods, annotations)) {
                startDue(state, spec, status, pods);
            } else if (state.running != null) {
                noteWaiting(state, spec);
            }
        } catch (RuntimeException e) {
            LOG.warn("cluster={} backup schedule: {}", cluster, e.toString());
        }
        known = state.toStatus();
        return known;
    }

    private void follow(BackupState state, ClusterSpec spec, List<PodState> pods) {
        Run run = state.running;
        Optional<PodState> pod = pods.stream().filter(p -> p.name().equals(run.pod()) && p.running()).findFirst();
        if (pod.isEmpty()) {
            end(state, spec, failed(run, "pod " + run.pod() + " is gone; the backup ended with it"));
            return;
        }
        Optional<BackupReport> report;
        try {
            report = instances.lastBackup(pod.get());
        } catch (Exception e) {
            LOG.debug("cluster={} pod={} backup state unknown for now: {}", cluster, run.pod(), e.toString());
            return; // it may be busy or restarting: asked again next pass
        }
        if (report.isEmpty() || !report.get().started().equals(run.started())) {
            end(state, spec, failed(run, "the instance manager of " + run.pod() + " restarted during the backup"));
        } else if (!report.get().running()) {
            BackupReport r = report.get();
            String result = r.state() == BackupReport.State.SUCCEEDED ? SUCCEEDED : FAILED;
            end(state, spec, new Run(run.type(), run.repo(), run.pod(), run.dueAt(), run.covers(), run.started(),
                    result, r.tookSeconds(), r.label(), r.size(), r.error()));
        }
    }

    private void startDue(BackupState state, ClusterSpec spec, ClusterStatus status, List<PodState> pods) {
        Instant now = clock.instant();
        Plan plan = BackupSchedulePlanner.plan(spec.backup().schedule(), state.slots(), now, clock.getZone());
        state.keep(plan.slots());
        if (plan.due().isEmpty()) {
            state.waiting = null;
            return;
        }
        Due due = plan.due().get();
        String what = due.type().option() + " backup due at " + due.dueAt();
        Optional<PodState> primary = pods.stream().filter(p -> p.name().equals(status.primary())).findFirst();
        if (primary.isEmpty()) {
            state.waiting = what + " waits for a ready primary";
            return;
        }
        try {
            Optional<BackupReport> last = instances.lastBackup(primary.get());
            if (last.isPresent() && takenFor(last.get(), due)) {
                started(state, spec, primary.get().name(), due, last.get());
            } else {
                started(state, spec, primary.get().name(), due,
                        instances.startBackup(primary.get(), due.type(), REPOSITORY));
            }
        } catch (BackupRefused e) {
            state.waiting = what + " waits: " + e.getMessage();
        } catch (Exception e) {
            state.waiting = what + " waits: " + primary.get().name() + " cannot be asked (" + e.getMessage() + ")";
            LOG.warn("cluster={} pod={} cannot start the {}: {}", cluster, primary.get().name(), what, e.toString());
        }
    }

    /** Whether a request not acted on yet is there: then it starts, or waits in place of any due backup. */
    private boolean startRequested(BackupState state, ClusterSpec spec, ClusterStatus status, List<PodState> pods,
                                   Map<String, String> annotations) {
        Optional<String> id = BackupRequest.id(annotations);
        if (id.isEmpty() || id.get().equals(state.request)) {
            return false;
        }
        BackupRequest request;
        try {
            request = BackupRequest.of(id.get(), annotations, spec.backup().repositories().size());
        } catch (IllegalArgumentException e) {
            state.request = id.get();
            events.record(Event.warning(Reason.BackupFailed, cluster, null, "the backup asked for by "
                    + BackupRequest.ANNOTATION + "=" + id.get() + " was not taken: " + e.getMessage()
                    + "; fix it and set a new " + BackupRequest.ANNOTATION + " value"));
            return false;
        }
        String what = "on-demand " + request.type().option() + " backup (" + BackupRequest.ANNOTATION + "=" + id.get()
                + ")";
        Optional<PodState> primary = pods.stream().filter(p -> p.name().equals(status.primary())).findFirst();
        if (primary.isEmpty()) {
            state.waiting = what + " waits for a ready primary";
            return true;
        }
        try {
            BackupReport report = instances.startBackup(primary.get(), request.type(), request.repo());
            state.request = id.get();
            state.running = new Run(report.type(), report.repo(), primary.get().name(), null, null,
                    report.started(), RUNNING, null, null, null, null);
            state.waiting = null;
            events.record(Event.normal(Reason.BackupStarted, cluster, primary.get().name(), "on-demand "
                    + describe(spec, state.running) + " (" + BackupRequest.ANNOTATION + "=" + id.get() + ")"));
        } catch (BackupRefused e) {
            state.waiting = what + " waits: " + e.getMessage();
        } catch (Exception e) {
            state.waiting = what + " waits: " + primary.get().name() + " cannot be asked (" + e.getMessage() + ")";
            LOG.warn("cluster={} pod={} cannot start the {}: {}", cluster, primary.get().name(), what, e.toString());
        }
        return true;
    }

    /** While one runs, a backup that comes due waits for it (rule 4 of {@link BackupSchedulePlanner}). */
    private void noteWaiting(BackupState state, ClusterSpec spec) {
        Plan plan = BackupSchedulePlanner.plan(spec.backup().schedule(), state.slots(), clock.instant(), clock.getZone());
        state.keep(plan.slots());
        state.waiting = plan.due().map(due -> due.type().option() + " backup due at " + due.dueAt()
                + " waits for the " + state.running.type() + " backup that runs on " + state.running.pod()).orElse(null);
    }

    /**
     * Whether the pod's last backup is the one due: it started at or after the due time, and is of
     * that type or a larger one, which holds everything the due one would.
     */
    private static boolean takenFor(BackupReport report, Due due) {
        return !Instant.parse(report.started()).isBefore(due.dueAt())
                && BackupType.of(report.type()).compareTo(due.type()) <= 0;
    }

    /** Rule 3 of {@link BackupSchedulePlanner}: the covered types are next due after now. */
    private void started(BackupState state, ClusterSpec spec, String pod, Due due, BackupReport report) {
        Instant now = clock.instant();
        state.keep(BackupSchedulePlanner.started(new Plan(state.slots(), Optional.of(due)), due, now, clock.getZone()));
        due.covered().forEach(t -> state.lastStarted.put(t, report.started()));
        Run run = new Run(report.type(), report.repo(), pod, due.dueAt().toString(),
                due.covered().stream().map(BackupType::option).toList(), report.started(), RUNNING, null, null, null,
                null);
        state.running = run;
        state.waiting = null;
        long late = Duration.between(due.dueAt(), now).toSeconds();
        events.record(Event.normal(Reason.BackupStarted, cluster, pod, "scheduled " + describe(spec, run)
                + " (due " + run.dueAt() + (late > 5 ? ", " + late + " s ago" : "") + ")"));
    }

    private void end(BackupState state, ClusterSpec spec, Run ended) {
        state.running = null;
        state.last = ended;
        String took = ended.tookSeconds() == null ? "" : String.format(Locale.ROOT, " after %.1f s", ended.tookSeconds());
        if (SUCCEEDED.equals(ended.result())) {
            events.record(Event.normal(Reason.BackupCompleted, cluster, ended.pod(), describe(spec, ended)
                    + " completed" + took.replace(" after", " in") + (ended.size().isEmpty() ? "" : ", " + ended.size())
                    + (ended.label().isEmpty() ? "" : ", label " + ended.label())));
        } else {
            events.record(Event.warning(Reason.BackupFailed, cluster, ended.pod(), describe(spec, ended) + " failed"
                    + took + ": " + ended.error() + (ended.dueAt() == null ? "" : "; the next runs at its scheduled time")));
        }
    }

    private static Run failed(Run run, String why) {
        return new Run(run.type(), run.repo(), run.pod(), run.dueAt(), run.covers(), run.started(), FAILED, null, "", "", why);
    }

    private static String describe(ClusterSpec spec, Run run) {
        List<BackupSpec.RepositorySpec> repositories = spec.backup().repositories();
        String name = run.repo() <= repositories.size() ? " (" + repositories.get(run.repo() - 1).name() + ")" : "";
        return run.type() + " backup to repository " + run.repo() + name + " on primary " + run.pod();
    }
}
