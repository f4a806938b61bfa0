package io.pgset.cli;

import io.pgset.core.config.PgBackRestErrors;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import io.pgset.local.PgsetException;
import io.pgset.local.S3Reachability;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "backup", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Take a backup now with pgBackRest, from the primary, and wait for it.",
        "Prints pgBackRest's progress; the cluster needs a spec.backup section."})
final class BackupCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "NAME", description = "The cluster.")
    String name;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "full",
            description = "full (the default), diff or incr; diff and incr need a full backup first.")
    String type;

    @Override
    public Integer call() throws Exception {
        if (!List.of("full", "diff", "incr").contains(type)) {
            throw new PgsetException("unknown backup type '" + type + "'; use full, diff or incr");
        }
        long start = System.nanoTime();
        ProcessBuilder command = PrimaryPgBackRest.command(main, name,
                List.of("--type=" + type, "--log-level-console=info", "backup"));
        ClusterSpec spec = SpecReader.read(main.clusters().home(name).spec());
        S3Reachability.check(spec, 1);
        Process backup = command.start();
        backup.getOutputStream().close();
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(backup.getInputStream(),
                StandardCharsets.UTF_8))) {
            lines.lines().forEach(line -> {
                main.out.println("  " + line);
                output.append(line).append('\n');
            });
        }
        int exit = backup.waitFor();
        if (exit != 0) {
            throw new PgsetException("cluster " + name + ": pgbackrest backup failed with exit code " + exit
                    + " (its output is above)" + PgBackRestErrors.explain(spec, 1, output.toString())
                    .map(advice -> "; " + advice).orElse(""));
        }
        main.out.printf("cluster %s: %s backup done (%.1f s)%n", name, type, (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
