package io.pgset.cli;

import io.pgset.core.spec.SpecReader;
import io.pgset.instance.InstalledServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "apply", description = {"Apply a changed PostgresCluster spec to a running cluster, and wait until it runs it.",
        "Parameters that need only a reload are reloaded everywhere; those that need a restart restart the",
        "replicas one at a time (highest ordinal first), then a switchover hands the primary role over, and",
        "the old primary restarts last. disruption.maxUnavailable bounds how many instances are down at once."})
final class ApplyCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "A PostgresCluster YAML file.")
    Path file;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "How long to wait for the rollout (default: ${DEFAULT-VALUE}); it goes on in the background after.")
    long timeoutSeconds;

    @Override
    public Integer call() {
        main.clusters().apply(SpecReader.read(file, InstalledServer.validator()), Duration.ofSeconds(timeoutSeconds));
        return 0;
    }
}
