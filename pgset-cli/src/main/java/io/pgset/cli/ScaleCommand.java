package io.pgset.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "scale", description = {"Change the number of instances. Scale-up creates the missing ordinals in order,",
        "each once the one before is Ready; scale-down removes the highest ordinal first, one at a time."})
final class ScaleCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--instances", required = true, paramLabel = "N")
    int instances;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300")
    long timeoutSeconds;

    @Override
    public Integer call() {
        main.clusters().scale(name, instances, Duration.ofSeconds(timeoutSeconds));
        return 0;
    }
}
