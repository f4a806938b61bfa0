package io.pgset.cli;

import io.pgset.local.ClusterHome;
import io.pgset.local.LocalClusters;
import io.pgset.local.PgsetException;
import io.pgset.local.PodLog;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "logs", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Print an instance's log, its manager's and its postgres's lines, oldest first.",
                "The lines are merged by time across the files each log rolls over."})
final class LogsCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "POD", description = "An instance, like demo-0.")
    String pod;

    @Option(names = "--tail", paramLabel = "N", defaultValue = "-1", description = "Print only the last N lines.")
    int tail;

    @Option(names = {"-f", "--follow"}, description = "Keep printing what is appended, across the rolls.")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        String cluster = LocalClusters.podName(pod).cluster();
        if (!main.clusters().exists(cluster)) {
            throw new PgsetException("no cluster named '" + cluster + "'; `pgset status` lists the clusters");
        }
        ClusterHome home = main.clusters().home(cluster);
        if (!Files.exists(home.podLog(pod))) {
            throw new PgsetException("instance " + pod + " has no log yet (it has never run)");
        }
        try (PodLog log = new PodLog(home.podLog(pod), home.volume(pod))) {
            List<String> lines = new ArrayList<>(log.next());
            if (!follow) {
                lines.addAll(log.rest());
            }
            int from = tail < 0 ? 0 : Math.max(0, lines.size() - tail);
            print(lines.subList(from, lines.size()));
            while (follow && !Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // told to stop following: done
                    break;
                }
                print(log.next());
            }
        }
        return 0;
    }

    private void print(List<String> lines) {
        lines.forEach(main.out::println);
        main.out.flush();
    }
}
