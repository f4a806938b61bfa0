package io.pgset.cli;

import io.pgset.core.spec.SpecReader;
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

    @Override
    public Integer call() {
        main.clusters().apply(SpecReader.read(file), timeout);
        return 0;
    }
}
