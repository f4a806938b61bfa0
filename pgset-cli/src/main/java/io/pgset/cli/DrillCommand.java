package io.pgset.cli;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.plan.FailoverGuarantee;
import io.pgset.core.spec.SpecReader;
import io.pgset.local.PgsetException;
import io.pgset.local.drill.Drill;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "drill", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Run a failure drill: kill the primary under a write load, and report what it cost.",
        "It writes sequential ids through rw, kills the primary each round, and reports each round's "
                + "write gap, the acknowledged writes lost, and whether two instances ever took writes at once. "
                + "Exits 1 on a split brain, or on any lost write in sync mode. Stopped early (Ctrl-C, SIGTERM), "
                + "it still reports the rounds done."})
final class DrillCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "NAME", description = "The cluster (it must be Healthy).")
    String name;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3", description = "How many times to kill the primary (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--kill", paramLabel = "WHAT", defaultValue = "primary",
            description = "What to kill: primary (the instance and its postgres, as when a machine dies; the default)"
                    + " or postgres (the postmaster only).")
    String kill;

    /** How long a SIGTERM waits for the summary before the JVM exits anyway. */
    private static final Duration SUMMARY_WAIT = Duration.ofSeconds(60);

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) {
            throw new PgsetException("--rounds must be at least 1, got " + rounds);
        }
        Drill.Kill what = Arrays.stream(Drill.Kill.values()).filter(k -> k.name().equalsIgnoreCase(kill)).findFirst()
                .orElseThrow(() -> new PgsetException("--kill must be primary or postgres, got '" + kill + "'"));
        ClusterSpec spec = SpecReader.read(main.clusters().home(name).spec());
        String mode = spec.replication().mode().name().toLowerCase(Locale.ROOT);
        main.out.printf("drill %s: %d rounds, kill %s, %s replication%s%n", name, rounds, kill, mode,
                spec.replication().explicitMode() ? "" : " (the default for " + spec.instances() + " instances)");
        Drill drill = new Drill(main.clusters(), name, main.out);
        // On SIGTERM or Ctrl-C the JVM runs its shutdown hooks: this one stops the drill and waits
        // until the summary of the rounds done is printed.
        CountDownLatch finished = new CountDownLatch(1);
        Thread onShutdown = new Thread(() -> {
            drill.stop();
            try {
                finished.await(SUMMARY_WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "drill-shutdown");
        Runtime.getRuntime().addShutdownHook(onShutdown);
        try {
            Drill.Report report = drill.run(rounds, what);
            printSummary(report, spec);
            boolean failed = report.mostWritableAtOnce() > 1 || (mode.equals("sync") && report.lost() > 0);
            return failed ? 1 : 0;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onShutdown);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running; it ends now that the drill has
            }
        }
    }

    private void printSummary(Drill.Report report, ClusterSpec spec) {
        if (report.stoppedEarly()) {
            main.out.printf("%ndrill stopped early: %d of %d rounds done%n", report.rounds().size(), rounds);
        }
        main.out.printf("%n  %-6s %-22s %-12s %8s %6s%n", "ROUND", "KILLED", "NEW PRIMARY", "GAP (s)", "LOST");
        for (Drill.Round r : report.rounds()) {
            main.out.printf("  %-6d %-22s %-12s %8.2f %6d%n", r.number(), r.killed(), r.newPrimary(), r.gapSeconds(),
                    r.lost());
        }
        double[] gaps = report.gaps();
        if (gaps.length > 0) {
            main.out.printf("%nwrite gap: min %.2f s, median %.2f s, max %.2f s%n", gaps[0], report.medianGap(),
                    gaps[gaps.length - 1]);
        }
        main.out.printf("acknowledged writes: %d, lost: %s%n", report.acknowledged(),
                report.lost() < 0 ? "not counted (no primary answered on rw in time)" : report.lost());
        main.out.println("  " + FailoverGuarantee.describe(spec, main.clusters().status(name).primary()));
        main.out.printf("most instances accepting writes at once: %d%s%n", report.mostWritableAtOnce(),
                report.splitBrain().isEmpty() ? "" : " (SPLIT BRAIN: " + report.splitBrain() + ")");
        main.out.flush();
    }
}
