package io.pgset.cli;

import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.instance.BackupRun;
import io.pgset.local.ClusterPgBackRest;
import io.pgset.local.PgsetException;
import io.pgset.core.config.PgBackRestErrors;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import io.pgset.local.S3Reachability;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "backup", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Take a backup now with pgBackRest and wait for it.",
        "The files come from a streaming replica when one is ready, else from the primary; then pgBackRest",
        "expires what the repository's retention no longer keeps. Prints pgBackRest's progress; the cluster",
        "needs a spec.backup section."})
final class BackupCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "NAME", description = "The cluster.")
    String name;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "full",
            description = "full (the default), diff or incr; diff and incr need a full backup first.")
    String type;

    @Option(names = "--repo", paramLabel = "N", defaultValue = "1",
            description = "The repository, by its place in spec.backup.repositories (1, the default, is the first).")
    int repo;

    @Override
    public Integer call() throws Exception {
        BackupType backupType;
        try {
            backupType = BackupType.of(type);
        } catch (IllegalArgumentException e) {
            throw new PgsetException(e.getMessage());
        }
        ClusterPgBackRest pgbackrest = ClusterPgBackRest.of(main.clusters(), name);
        String what = backupType.option() + " backup to " + pgbackrest.describe(repo);
        ClusterSpec spec = SpecReader.read(main.clusters().home(name).spec());
        S3Reachability.check(spec, repo); // pgBackRest would retry an endpoint that refuses for minutes
        main.out.println("cluster " + name + ": " + what);
        StringBuilder output = new StringBuilder();
        java.util.function.Consumer<String> print = line -> {
            main.out.println("  " + line);
            output.append(line).append('\n');
        };
        BackupRun.Result result = new BackupRun().run(pgbackrest.backup(backupType, repo), print);
        if (!result.ok() && pgbackrest.standbyCouldNotServe(result.error())) {
            pgbackrest = pgbackrest.fromPrimary();
            what = backupType.option() + " backup to " + pgbackrest.describe(repo);
            main.out.println("cluster " + name + ": the standby could not serve (" + result.error() + "); " + what);
            output.setLength(0);
            result = new BackupRun().run(pgbackrest.backup(backupType, repo), print);
        }
        if (!result.ok()) {
            throw new PgsetException("cluster " + name + ": " + what + " failed: " + result.error()
                    + " (pgBackRest's output is above)" + PgBackRestErrors.explain(spec, repo, output.toString())
                    .map(advice -> "; " + advice).orElse(""));
        }
        main.out.printf("cluster %s: %s done (%.1f s, %s)%n", name, what, result.took().toMillis() / 1000.0,
                result.size().orElse("size unknown"));
        return 0;
    }
}
