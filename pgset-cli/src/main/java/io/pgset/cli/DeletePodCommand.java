package io.pgset.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "delete-pod", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Delete one instance; the controller recreates it with the same name and volume.")
final class DeletePodCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "POD", description = "An instance, like demo-1.")
    String pod;

    @Option(names = "--force", description = "Kill it and its postgres at once (kill -9), as when a machine dies.")
    boolean force;

    @Override
    public Integer call() {
        main.clusters().deletePod(pod, force);
        return 0;
    }
}
