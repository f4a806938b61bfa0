package io.pgset.local.drill;

import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.Phase;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.Poll;
import io.pgset.local.ClusterHome;
import io.pgset.local.LocalClusters;
import io.pgset.local.LocalSecrets;
import io.pgset.local.PgsetException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A failure drill: a write load through {@code rw} (sequential ids, one per transaction, every
 * acknowledgement recorded) while the primary is killed once per round. It measures the write gap
 * of each round (the longest time without an acknowledged write, from the last one before the
 * kill until the cluster has recovered: usually last-before to first-after), finds acknowledged
 * ids that are missing at the end, and watches that no two instances ever accept writes at once.
 */
public final class Drill {

    /** What each round kills. */
    public enum Kill { PRIMARY, POSTGRES }

    /** One round: what was killed, the write gap, and the acknowledged ids it lost. */
    public record Round(int number, String killed, String newPrimary, double gapSeconds, int lost) {}

    /**
     * The whole drill.
     *
     * @param lost acknowledged writes missing at the end; -1 when they could not be counted (a drill
     *             stopped during a failover, with no primary to ask)
     * @param stoppedEarly whether it was stopped before every round was done
     */
    public record Report(List<Round> rounds, int acknowledged, int lost, int mostWritableAtOnce, String splitBrain,
                         boolean stoppedEarly) {

        /** The rounds' write gaps, shortest first. */
        public double[] gaps() {
            return rounds.stream().mapToDouble(Round::gapSeconds).sorted().toArray();
        }

        /** The median write gap: the middle one, or the mean of the two middle ones; 0 with no round. */
        public double medianGap() {
            double[] gaps = gaps();
            if (gaps.length == 0) {
                return 0;
            }
            int middle = gaps.length / 2;
            return gaps.length % 2 == 1 ? gaps[middle] : (gaps[middle - 1] + gaps[middle]) / 2;
        }
    }

    /** Ends {@link #await} waits at once when the drill is stopped. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("drill stopped", null, false, false);
        }
    }

    private static final Duration RECOVERY_LIMIT = Duration.ofMinutes(2);
    /** How long the report may wait for rw to count the lost writes (a stopped drill may end during a failover). */
    private static final Duration COUNT_LIMIT = Duration.ofSeconds(30);

    private final LocalClusters clusters;
    private final String name;
    private final PrintStream out;
    private volatile boolean stopping;

    public Drill(LocalClusters clusters, String name, PrintStream out) {
        this.clusters = clusters;
        this.name = name;
        this.out = out;
    }

    /**
     * Asks a running drill to end now: the round in progress is not counted, the write load stops
     * and {@link #run} returns the report of the rounds done (as on SIGTERM or Ctrl-C).
     */
    public void stop() {
        stopping = true;
    }

    public Report run(int rounds, Kill kill) throws IOException, SQLException, InterruptedException {
        ClusterStatus status = clusters.status(name);
        if (status.phase() != Phase.HEALTHY) {
            throw new PgsetException("cluster " + name + " is " + status.phase().label() + "; a drill starts from a Healthy cluster");
        }
        ClusterHome home = clusters.home(name);
        String password = Files.readString(home.secrets().resolve("app-password")).strip();
        String database = database(status);
        String user = status.services().get("rw").uri().replaceFirst("^postgresql://([^@]+)@.*$", "$1");
        ClusterStatus.ServiceStatus rw = status.services().get("rw");
        Optional<Path> ca = SpecReader.read(home.spec()).tls().enabled()
                ? Optional.of(LocalSecrets.caCertificate(home)) : Optional.empty();
        DrillWriter writer = new DrillWriter(rw.host(), rw.port(), database, user, password, ca);
        try (Connection c = writer.connect()) {
            DrillWriter.createTable(c);
        }
        AtomicReference<List<WritableWatcher.Target>> targets = new AtomicReference<>(targets(status));
        WritableWatcher watcher = new WritableWatcher(targets::get, database, user, password, ca);
        Thread writing = new Thread(writer, "drill-writer");
        Thread watching = new Thread(watcher, "drill-watcher");
        writing.start();
        watching.start();
        List<Long> killTimes = new ArrayList<>();
        List<Round> done = new ArrayList<>();
        try {
            await("the first writes", () -> writer.acknowledged.size() >= 50);
            for (int round = 1; round <= rounds && !stopping; round++) {
                ClusterStatus before = clusters.status(name);
                String primary = before.primary();
                ClusterStatus.PodStatus victim = pod(before, primary);
                kill(home, primary, kill);
                // Acknowledgements up to the moment the victim is dead still count as before the kill.
                long killAt = System.nanoTime();
                killTimes.add(killAt);
                await("a write acknowledged after the kill", () -> writer.firstAckAfter(killAt) != 0);
                await(primary + " to be back and the cluster Healthy", () -> recovered(victim, kill, targets));
                long recoveredAt = System.nanoTime();
                await("a write acknowledged after the recovery", () -> writer.firstAckAfter(recoveredAt) != 0);
                // The longest pause, not just the first one: a dying postgres may still acknowledge
                // a commit or two before its backends notice, and the real outage comes after.
                double gap = writer.longestPause(writer.lastAckBefore(killAt), writer.firstAckAfter(recoveredAt)) / 1e9;
                String newPrimary = clusters.status(name).primary();
                done.add(new Round(round, kill == Kill.PRIMARY ? primary : primary + " (postgres)", newPrimary, gap, 0));
                out.printf("  round %d: killed %s, write gap %.2f s, primary now %s%n", round, primary, gap, newPrimary);
                long steadyFrom = System.nanoTime() + Duration.ofMillis(300).toNanos();
                await("steady writes", () -> writer.firstAckAfter(steadyFrom) != 0);
            }
        } catch (Stopped e) {
            out.println("  stopped during round " + (done.size() + 1) + "; that round is not counted");
        } finally {
            writer.stop();
            writing.join(Duration.ofSeconds(30).toMillis());
            watcher.stop();
            watching.join(Duration.ofSeconds(10).toMillis());
        }
        return report(writer, watcher, killTimes, done, done.size() < rounds);
    }

    private Report report(DrillWriter writer, WritableWatcher watcher, List<Long> killTimes, List<Round> rounds,
                          boolean stoppedEarly) throws SQLException, InterruptedException {
        Optional<Set<Long>> written = writtenIds(writer, stoppedEarly);
        if (written.isEmpty()) {
            return new Report(rounds, writer.acknowledged.size(), -1, watcher.mostWritableAtOnce, watcher.splitBrain,
                    true);
        }
        Set<Long> present = written.get();
        int[] lostPerRound = new int[rounds.size()];
        int lost = 0;
        for (var ack : writer.acknowledged.entrySet()) {
            if (!present.contains(ack.getKey())) {
                lost++;
                int round = 0;
                while (round < killTimes.size() - 1 && ack.getValue() > killTimes.get(round)) {
                    round++;
                }
                lostPerRound[round]++;
            }
        }
        List<Round> withLoss = new ArrayList<>();
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            withLoss.add(new Round(r.number(), r.killed(), r.newPrimary(), r.gapSeconds(), lostPerRound[i]));
        }
        return new Report(withLoss, writer.acknowledged.size(), lost, watcher.mostWritableAtOnce, watcher.splitBrain,
                stoppedEarly);
    }

    /**
     * The ids in the table, through rw. A drill stopped mid-round may end during a failover, so it
     * waits a little for a primary; empty if none answers in time then.
     */
    private static Optional<Set<Long>> writtenIds(DrillWriter writer, boolean stoppedEarly)
            throws SQLException, InterruptedException {
        AtomicReference<SQLException> failure = new AtomicReference<>();
        Set<Long> present = new HashSet<>();
        boolean read = Poll.until(stoppedEarly ? COUNT_LIMIT : Duration.ZERO, Duration.ofMillis(200), () -> {
            try (Connection c = writer.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id FROM pgset_drill")) {
                present.clear();
                while (rs.next()) {
                    present.add(rs.getLong(1));
                }
                return true;
            } catch (SQLException e) {
                failure.set(e);
                return false;
            }
        });
        if (read) {
            return Optional.of(present);
        }
        if (stoppedEarly) {
            return Optional.empty();
        }
        throw failure.get();
    }

    private void kill(ClusterHome home, String primary, Kill kill) throws IOException {
        if (kill == Kill.PRIMARY) {
            // As a machine dies: nobody tells the controller, which has to notice on its own.
            clusters.crashPod(primary);
            out.println("  killed " + primary + " and its postgres (kill -9)");
            return;
        }
        Path pidFile = home.volume(primary).resolve("pgdata/postmaster.pid");
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        out.println("  killed the postmaster of " + primary + " (pid " + pid + ")");
    }

    /**
     * Healthy again, and not by an old look: the killed instance is back (a new process, or a
     * restarted postgres) and ready. The watcher then watches the instances as they are now.
     */
    private boolean recovered(ClusterStatus.PodStatus victim, Kill kill,
                              AtomicReference<List<WritableWatcher.Target>> targets) {
        ClusterStatus s = clusters.status(name);
        ClusterStatus.PodStatus now = pod(s, victim.name());
        boolean back = now != null && now.ready()
                && (kill == Kill.PRIMARY ? now.pid() != victim.pid() : now.restarts() > victim.restarts());
        if (s.phase() != Phase.HEALTHY || !back) {
            return false;
        }
        targets.set(targets(s));
        return true;
    }

    private static ClusterStatus.PodStatus pod(ClusterStatus s, String name) {
        return s.pods().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    private static List<WritableWatcher.Target> targets(ClusterStatus s) {
        return s.pods().stream().map(p -> new WritableWatcher.Target(p.name(), p.host(), p.port())).toList();
    }

    private static String database(ClusterStatus s) {
        String uri = s.services().get("rw").uri().replaceFirst("[?].*$", "");
        return uri.substring(uri.lastIndexOf('/') + 1);
    }

    private void await(String what, Poll.Check condition) throws InterruptedException {
        if (!Poll.until(RECOVERY_LIMIT, Duration.ofMillis(20), () -> stopping || condition.holds())) {
            throw new PgsetException("drill: gave up waiting for " + what + " after " + RECOVERY_LIMIT.toSeconds() + " s");
        }
        if (stopping) {
            throw new Stopped();
        }
    }
}
