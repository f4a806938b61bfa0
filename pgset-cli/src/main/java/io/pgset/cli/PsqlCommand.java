package io.pgset.cli;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.spec.SpecReader;
import io.pgset.local.ClusterHome;
import io.pgset.local.LocalSecrets;
import io.pgset.local.PgsetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "psql", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Open psql on the rw service (or ro with --ro) as the app user (or the superuser).",
        "Arguments after -- go to psql. The password comes from a passfile, never from the command line."})
final class PsqlCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "NAME", description = "The cluster.")
    String name;

    @Parameters(index = "1..*", paramLabel = "PSQL_ARGS", description = "Passed to psql, e.g. -- -c 'select 1'.")
    List<String> psqlArgs = new ArrayList<>();

    @Option(names = "--ro", description = "Connect to the ro service (the replicas).")
    boolean readOnly;

    @Option(names = "--superuser", description = "Connect as the superuser postgres, for maintenance. Its password"
            + " is read from a passfile in the cluster's secrets that only you can read.")
    boolean superuser;

    @Override
    public Integer call() throws Exception {
        ClusterStatus status = main.clusters().status(name);
        ClusterHome home = main.clusters().home(name);
        ClusterSpec spec = SpecReader.read(home.spec());
        ClusterStatus.ServiceStatus service = status.services().get(readOnly ? "ro" : "rw");
        if (service == null || service.port() == 0) {
            throw new PgsetException("cluster " + name + " has no " + (readOnly ? "ro" : "rw") + " service yet; run `pgset up " + name + "`");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(spec.postgres().binDir(), "psql").toString(),
                "-h", service.host(), "-p", Integer.toString(service.port()),
                "-U", superuser ? "postgres" : spec.bootstrap().initdb().owner(),
                "-d", spec.bootstrap().initdb().database(), "-w"));
        command.addAll(psqlArgs);
        ProcessBuilder pb = new ProcessBuilder(command);
        // Only psql's own environment names the file; the password itself is in no argument or variable.
        pb.environment().put("PGPASSFILE", (superuser ? LocalSecrets.superuserPgpass(home) : LocalSecrets.pgpass(home))
                .toString());
        pb.environment().put("PGCONNECT_TIMEOUT", "5");
        if (main.console) {
            return pb.inheritIO().start().waitFor();
        }
        Process psql = pb.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        psql.getInputStream().transferTo(main.out);
        return psql.waitFor();
    }
}
