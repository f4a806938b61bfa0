package io.pgset.cli;

import io.pgset.core.json.JsonText;
import io.pgset.core.json.JsonTree;
import io.pgset.core.json.RecordJson;
import io.pgset.core.model.ArchiveStatus;
import io.pgset.local.ClusterPgBackRest;
import io.pgset.local.PgsetException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "backups", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "List a cluster's backups, from pgBackRest's info on the primary's configuration.")
final class BackupsCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "NAME", description = "The cluster.")
    String name;

    @Mixin
    OutputFormat format;

    /**
     * One backup as pgBackRest reports it: times in ISO 8601 (UTC), sizes in bytes, WAL as segment
     * names, and the timeline it was taken on.
     */
    record Backup(String label, String type, String start, String stop, long size, long repositorySize,
                  String walStart, String walStop, long timeline) {}

    /**
     * What a recovery can reach: from the end of the oldest backup to the newest archived WAL
     * (its segment from pgBackRest, its time from the primary's archiver); empty without backups.
     */
    record RecoveryWindow(String from, String to, String lastArchivedWal) {}

    record Listing(List<Backup> backups, RecoveryWindow recoveryWindow) {}

    @Override
    public Integer call() throws Exception {
        boolean json = format.json();
        Process info = new ProcessBuilder(ClusterPgBackRest.of(main.clusters(), name).info())
                .redirectErrorStream(true).start();
        info.getOutputStream().close();
        String text = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = info.waitFor();
        if (exit != 0) {
            throw new PgsetException("cluster " + name + ": pgbackrest info failed with exit code " + exit + ": "
                    + text.strip());
        }
        JsonTree report = JsonText.parse(text);
        List<Backup> backups = parse(report);
        ArchiveStatus archive = main.clusters().status(name).archive();
        Listing listing = new Listing(backups, window(backups, report, archive));
        if (json) {
            main.out.println(JsonText.pretty(RecordJson.tree(listing)));
            return 0;
        }
        if (backups.isEmpty()) {
            main.out.println("cluster " + name + ": no backups yet; `pgset backup " + name + "` takes one");
            return 0;
        }
        main.out.printf("%-20s %-5s %-20s %-20s %10s  %-3s %s%n", "LABEL", "TYPE", "START", "STOP", "SIZE", "TL", "WAL");
        for (Backup b : backups) {
            main.out.printf("%-20s %-5s %-20s %-20s %10s  %-3d %s-%s%n", b.label(), b.type(), b.start(), b.stop(),
                    (b.size() / (1024 * 1024)) + " MB", b.timeline(), b.walStart(), b.walStop());
        }
        RecoveryWindow window = listing.recoveryWindow();
        main.out.println("recovery window: from " + window.from() + " to " + (window.to().isEmpty()
                ? "the last archived WAL" : window.to()) + " (last archived segment " + window.lastArchivedWal() + ")");
        return 0;
    }

    static RecoveryWindow window(List<Backup> backups, JsonTree info, ArchiveStatus archive) {
        if (backups.isEmpty()) {
            return null;
        }
        String from = backups.stream().map(Backup::stop).min(String::compareTo).orElseThrow();
        String lastWal = "";
        for (JsonTree stanza : info) {
            for (JsonTree a : stanza.path("archive")) {
                String max = a.path("max").asText("");
                lastWal = max.compareTo(lastWal) > 0 ? max : lastWal;
            }
        }
        String to = archive == null || archive.lastArchivedTime() == null ? "" : archive.lastArchivedTime();
        return new RecoveryWindow(from, to, lastWal);
    }

    /** A WAL segment's name begins with its timeline in hexadecimal. */
    private static long timeline(String segment) {
        return segment.length() == 24 ? Long.parseLong(segment.substring(0, 8), 16) : 0;
    }

    static List<Backup> parse(JsonTree info) {
        List<Backup> backups = new ArrayList<>();
        for (JsonTree stanza : info) {
            for (JsonTree b : stanza.path("backup")) {
                backups.add(new Backup(b.path("label").asText(), b.path("type").asText(),
                        Instant.ofEpochSecond(b.path("timestamp").path("start").asLong()).toString(),
                        Instant.ofEpochSecond(b.path("timestamp").path("stop").asLong()).toString(),
                        b.path("info").path("size").asLong(), b.path("info").path("repository").path("size").asLong(),
                        b.path("archive").path("start").asText(), b.path("archive").path("stop").asText(),
                        timeline(b.path("archive").path("start").asText())));
            }
        }
        return backups;
    }
}
