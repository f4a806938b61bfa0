package io.pgset.cli;

import io.pgset.local.LocalClusters;
import io.pgset.local.PgsetException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "logs", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Print an instance's log: its instance manager and its postgres, interleaved.")
final class LogsCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "POD", description = "An instance, like demo-0.")
    String pod;

    @Option(names = "--tail", paramLabel = "N", defaultValue = "-1", description = "Print only the last N lines.")
    int tail;

    @Option(names = {"-f", "--follow"}, description = "Keep printing what is appended.")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        String cluster = LocalClusters.podName(pod).cluster();
        if (!main.clusters().exists(cluster)) {
            throw new PgsetException("no cluster named '" + cluster + "'; `pgset status` lists the clusters");
        }
        Path log = main.clusters().home(cluster).podLog(pod);
        if (!Files.exists(log)) {
            throw new PgsetException("instance " + pod + " has no log yet (it has never run)");
        }
        printTail(Files.readAllLines(log, StandardCharsets.UTF_8));
        if (follow) {
            followFrom(log, Files.size(log));
        }
        return 0;
    }

    private void printTail(List<String> lines) {
        int from = tail < 0 ? 0 : Math.max(0, lines.size() - tail);
        lines.subList(from, lines.size()).forEach(main.out::println);
    }

    private void followFrom(Path log, long offset) throws Exception {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long position = offset;
            while (!Thread.currentThread().isInterrupted()) {
                if (file.length() > position) {
                    file.seek(position);
                    byte[] chunk = new byte[(int) (file.length() - position)];
                    file.readFully(chunk);
                    main.out.print(new String(chunk, StandardCharsets.UTF_8));
                    main.out.flush();
                    position += chunk.length;
                }
                Thread.sleep(250);
            }
        }
    }
}
