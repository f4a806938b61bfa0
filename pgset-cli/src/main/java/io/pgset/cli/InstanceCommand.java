package io.pgset.cli;

import io.pgset.core.spec.SpecReader;
import io.pgset.instance.InstanceMain;
import io.pgset.instance.InstanceOptions;
import io.pgset.local.ClusterHome;
import io.pgset.local.Ports;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The instance manager process the local runtime starts; in Kubernetes, a pod's entrypoint. */
@Command(name = "instance", hidden = true, description = "Run one instance manager (started by the controller).")
final class InstanceCommand implements Callable<Integer> {

    @picocli.CommandLine.ParentCommand
    Main main;

    @Option(names = "--cluster", required = true)
    String cluster;

    @Option(names = "--ordinal", required = true)
    int ordinal;

    @Option(names = "--port", required = true)
    int port;

    @Option(names = "--api-port", required = true)
    int apiPort;

    @Option(names = "--upstream", paramLabel = "HOST:PORT")
    String upstream;

    @Option(names = "--new-database", description = "With no upstream, an empty volume gets a new database (initdb).")
    boolean newDatabase;

    @Option(names = "--pod-dir", description = "Marks the process as this pod's, for pid checks.")
    Path podDir;

    @Override
    public Integer call() throws Exception {
        ClusterHome home = ClusterHome.of(main.pgsetHome(), cluster);
        Optional<InstanceOptions.Endpoint> up = Optional.ofNullable(upstream).map(u -> {
            int colon = u.lastIndexOf(':');
            return new InstanceOptions.Endpoint(u.substring(0, colon), Integer.parseInt(u.substring(colon + 1)));
        });
        InstanceOptions options = new InstanceOptions(SpecReader.read(home.spec()), ordinal, Ports.LOOPBACK, port,
                apiPort, home.volume(cluster + "-" + ordinal), home.secrets(), up, newDatabase, Optional.of(home.spec()));
        if (podDir != null) {
            // Recorded by the instance too, so that it is tracked even if whoever started it died
            // before writing the pid file itself.
            java.nio.file.Files.createDirectories(podDir);
            java.nio.file.Files.writeString(podDir.resolve("pid"), ProcessHandle.current().pid() + "\n");
        }
        InstanceMain.run(options);
        return 0;
    }
}
