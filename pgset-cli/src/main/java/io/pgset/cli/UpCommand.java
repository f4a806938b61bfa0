package io.pgset.cli;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.InstalledServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "up", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {
        "Start a cluster (default: 'demo' with 3 instances), or adopt a running one, and wait until it is Healthy.",
        "Running it again on a healthy cluster changes nothing; on a stopped one it starts it with the same volumes and ports."})
final class UpCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "A PostgresCluster YAML file.")
    Path file;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "Cluster to start when no file is given (default: demo).")
    String name;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300", converter = Seconds.class,
            description = "How many seconds to wait for Healthy (default: ${DEFAULT-VALUE}). After that the command"
                    + " gives up, and the cluster goes on starting in the background.")
    Duration timeout;

    @Override
    public Integer call() {
        Optional<ClusterSpec> spec = Optional.ofNullable(file).map(f -> SpecReader.read(f, InstalledServer.validator()));
        if (spec.isPresent() && name != null && !name.equals(spec.get().name())) {
            throw new io.pgset.local.PgsetException("the file describes cluster '" + spec.get().name()
                    + "' but the command names '" + name + "'; drop the name or fix metadata.name");
        }
        ClusterStatus status = main.clusters().up(spec, name == null ? "demo" : name, timeout);
        Connect.print(main.out, status, main.clusters().home(status.name()));
        return 0;
    }
}
