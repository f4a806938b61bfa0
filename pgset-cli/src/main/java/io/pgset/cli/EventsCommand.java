package io.pgset.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "events", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Print what a cluster's controller decided and why.")
final class EventsCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "NAME", description = "The cluster.")
    String name;

    @Option(names = "--tail", paramLabel = "N", defaultValue = "-1", description = "Print only the last N events.")
    int tail;

    @Override
    public Integer call() throws Exception {
        main.clusters().status(name); // a clear error for an unknown cluster
        Path events = main.clusters().home(name).events();
        List<String> lines = Files.exists(events) ? Files.readAllLines(events) : List.of();
        int from = tail < 0 ? 0 : Math.max(0, lines.size() - tail);
        lines.subList(from, lines.size()).forEach(main.out::println);
        return 0;
    }
}
