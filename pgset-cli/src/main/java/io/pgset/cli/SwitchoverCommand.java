package io.pgset.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "switchover", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Hand the primary role to a replica, losing no committed transaction.",
        "The primary stops cleanly, the target proves it received everything, then it is promoted; the "
                + "old primary continues as a replica."})
final class SwitchoverCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "NAME", description = "The cluster.")
    String name;

    @Option(names = "--to", paramLabel = "POD", description = "The replica to promote (default: the most advanced healthy one).")
    String to;

    @Override
    public Integer call() {
        main.clusters().switchover(name, Optional.ofNullable(to));
        return 0;
    }
}
