package io.pgset.cli;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.plan.FailoverGuarantee;
import io.pgset.core.spec.SpecReader;
import io.pgset.local.PgsetException;
import io.pgset.local.drill.Drill;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "drill", description = {"A failure drill: writes sequential ids through rw, kills the primary each round,",
        "and reports each round's write gap, acknowledged writes lost, and whether two instances ever took writes at once.",
        "Exits 1 on a split brain, or on any lost write in sync mode."})
final class DrillCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3", description = "Rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--kill", paramLabel = "WHAT", defaultValue = "primary",
            description = "primary (the instance and its postgres, as when a machine dies) or postgres (the postmaster only).")
    String kill;

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
        Drill.Report report = new Drill(main.clusters(), name, main.out).run(rounds, what);
        main.out.printf("%n  %-6s %-22s %-12s %8s %6s%n", "ROUND", "KILLED", "NEW PRIMARY", "GAP (s)", "LOST");
        for (Drill.Round r : report.rounds()) {
            main.out.printf("  %-6d %-22s %-12s %8.2f %6d%n", r.number(), r.killed(), r.newPrimary(), r.gapSeconds(), r.lost());
        }
        double[] gaps = report.rounds().stream().mapToDouble(Drill.Round::gapSeconds).sorted().toArray();
        main.out.printf("%nwrite gap: min %.2f s, median %.2f s, max %.2f s%n", gaps[0], gaps[gaps.length / 2], gaps[gaps.length - 1]);
        main.out.printf("acknowledged writes: %d, lost: %d%n", report.acknowledged(), report.lost());
        main.out.println("  " + FailoverGuarantee.describe(spec, main.clusters().status(name).primary()));
        main.out.printf("most instances accepting writes at once: %d%s%n", report.mostWritableAtOnce(),
                report.splitBrain().isEmpty() ? "" : " (SPLIT BRAIN: " + report.splitBrain() + ")");
        boolean failed = report.mostWritableAtOnce() > 1 || (mode.equals("sync") && report.lost() > 0);
        return failed ? 1 : 0;
    }
}
