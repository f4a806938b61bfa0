package io.pgset.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "scale", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Change the number of instances, and wait until the cluster is Healthy.",
        "Scale-up creates the missing ordinals in order, each once the one before is Ready; scale-down "
                + "removes the highest ordinal first, one at a time (volumes stay unless storage.retainOnScaleDown "
                + "is false)."})
final class ScaleCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "NAME", description = "The cluster.")
    String name;

    @Option(names = "--instances", required = true, paramLabel = "N", converter = AtLeastOne.class,
            description = "How many instances the cluster should have (at least 1).")
    int instances;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300", converter = Seconds.class,
            description = "How many seconds to wait for Healthy (default: ${DEFAULT-VALUE}). After that the command"
                    + " gives up, and the scaling goes on in the background.")
    Duration timeout;

    @Override
    public Integer call() {
        main.clusters().scale(name, instances, timeout);
        return 0;
    }
}
