package io.pgset.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Stop and remove a cluster.",
        "Its volumes (and the secrets their data needs) stay unless --volumes, so `pgset up NAME` brings the data back."})
final class DeleteCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "NAME", description = "The cluster.")
    String name;

    @Option(names = "--volumes", description = "Also remove the volumes: the data is gone for good.")
    boolean volumes;

    @Override
    public Integer call() {
        main.clusters().delete(name, volumes);
        return 0;
    }
}
