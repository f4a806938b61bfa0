package io.pgset.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "down", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Stop a cluster's controller and instances.",
        "Volumes and ports stay; `pgset up NAME` starts it again as it was."})
final class DownCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "NAME", description = "The cluster.")
    String name;

    @Override
    public Integer call() {
        main.clusters().down(name);
        return 0;
    }
}
