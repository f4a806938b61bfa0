package io.pgset.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "down", description = "Stop a cluster's controller and instances; volumes stay, `pgset up` resumes it.")
final class DownCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
        main.clusters().down(name);
        return 0;
    }
}
