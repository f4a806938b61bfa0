package io.pgset.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgset.instance.ApiServer;
import io.pgset.local.ClusterPgBackRest;
import io.pgset.local.PgsetException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "backups", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "List a cluster's backups, from pgBackRest's info on the primary's configuration.")
final class BackupsCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "NAME", description = "The cluster.")
    String name;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "The format: table (the default) or json.")
    String output;

    /** One backup as pgBackRest reports it: times in ISO 8601 (UTC), sizes in bytes, WAL as segment names. */
    record Backup(String label, String type, String start, String stop, long size, long repositorySize,
                  String walStart, String walStop) {}

    @Override
    public Integer call() throws Exception {
        if (!output.equals("table") && !output.equals("json")) {
            throw new PgsetException("unknown output format '" + output + "'; use table or json");
        }
        Process info = new ProcessBuilder(ClusterPgBackRest.of(main.clusters(), name).info())
                .redirectErrorStream(true).start();
        info.getOutputStream().close();
        String text = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = info.waitFor();
        if (exit != 0) {
            throw new PgsetException("cluster " + name + ": pgbackrest info failed with exit code " + exit + ": "
                    + text.strip());
        }
        List<Backup> backups = parse(ApiServer.JSON.readTree(text));
        if (output.equals("json")) {
            main.out.println(ApiServer.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(backups));
            return 0;
        }
        if (backups.isEmpty()) {
            main.out.println("cluster " + name + ": no backups yet; `pgset backup " + name + "` takes one");
            return 0;
        }
        main.out.printf("%-20s %-5s %-20s %-20s %10s  %s%n", "LABEL", "TYPE", "START", "STOP", "SIZE", "WAL");
        for (Backup b : backups) {
            main.out.printf("%-20s %-5s %-20s %-20s %10s  %s-%s%n", b.label(), b.type(), b.start(), b.stop(),
                    (b.size() / (1024 * 1024)) + " MB", b.walStart(), b.walStop());
        }
        return 0;
    }

    static List<Backup> parse(JsonNode info) {
        List<Backup> backups = new ArrayList<>();
        for (JsonNode stanza : info) {
            for (JsonNode b : stanza.path("backup")) {
                backups.add(new Backup(b.path("label").asText(), b.path("type").asText(),
                        Instant.ofEpochSecond(b.path("timestamp").path("start").asLong()).toString(),
                        Instant.ofEpochSecond(b.path("timestamp").path("stop").asLong()).toString(),
                        b.path("info").path("size").asLong(), b.path("info").path("repository").path("size").asLong(),
                        b.path("archive").path("start").asText(), b.path("archive").path("stop").asText()));
            }
        }
        return backups;
    }
}
