package io.pgset.cli;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.plan.RolloutPreview;
import io.pgset.core.spec.SpecReader;
import io.pgset.local.PgsetException;
import java.io.PrintStream;
import io.pgset.instance.InstalledServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "apply", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Apply a changed PostgresCluster spec to a running cluster, and wait until it runs it.",
        "Parameters that need only a reload are reloaded everywhere; those that need a restart restart "
                + "the replicas one at a time (highest ordinal first), then a switchover hands the primary role "
                + "over, and the old primary restarts last. disruption.maxUnavailable bounds how many instances "
                + "are down at once."})
final class ApplyCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "A PostgresCluster YAML file.")
    Path file;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600", converter = Seconds.class,
            description = "How many seconds to wait for the rollout (default: ${DEFAULT-VALUE}). After that the"
                    + " command gives up, and the rollout goes on in the background.")
    Duration timeout;

    @Option(names = "--dry-run", description = "Show what would change (the spec's changes, and which instances would"
            + " reload or restart, why, and in what order) without writing anything. An invalid spec is refused with"
            + " every problem by field path, as apply refuses it.")
    boolean dryRun;

    @Override
    public Integer call() {
        ClusterSpec spec = SpecReader.read(file, InstalledServer.validator());
        if (dryRun) {
            return dryRun(spec);
        }
        main.clusters().apply(spec, timeout);
        return 0;
    }

    private int dryRun(ClusterSpec spec) {
        RolloutPreview preview = main.clusters().preview(spec);
        if (!preview.refused().isEmpty()) {
            throw new PgsetException("cannot apply this spec to cluster " + spec.name() + " (dry run, nothing was"
                    + " written):\n  " + String.join("\n  ", preview.refused()));
        }
        PrintStream out = main.out;
        if (!preview.changesAnything()) {
            out.println("cluster " + spec.name() + ": the spec is unchanged; apply would do nothing (dry run)");
            return 0;
        }
        out.println("cluster " + spec.name() + ": apply would change (dry run, nothing was written):");
        preview.changes().forEach(change -> out.println("  " + change));
        out.println("and then:");
        preview.instances().forEach(line -> out.println("  " + line));
        return 0;
    }
}
