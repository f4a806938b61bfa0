package io.pgset.cli;

import io.pgset.core.spec.SpecReader;
import io.pgset.instance.InstanceMain;
import io.pgset.instance.InstanceOptions;
import io.pgset.instance.RestoreSource;
import io.pgset.local.RecoverySources;
import io.pgset.local.ClusterHome;
import io.pgset.local.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One instance manager. Locally the controller starts it with {@code --ordinal} and its ports; in
 * a Kubernetes pod it is the container's command, given {@code --volume --secrets --spec} (the
 * pod's mounts) and learning who it is from the downward API.
 */
@Command(name = "instance", hidden = true, mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Run one instance manager (started by the controller,"
        + " or a pod's entrypoint).")
final class InstanceCommand implements Callable<Integer> {

    @picocli.CommandLine.ParentCommand
    Main main;

    @Option(names = "--cluster", required = true)
    String cluster;

    @Option(names = "--ordinal", description = "Local runtime: this instance's ordinal.")
    Integer ordinal;

    @Option(names = "--port", description = "postgres's port (local: required; in a pod: default 5432).")
    Integer port;

    @Option(names = "--api-port", description = "The instance API's port (local: required; in a pod: default 8008).")
    Integer apiPort;

    @Option(names = "--upstream", paramLabel = "HOST:PORT")
    String upstream;

    @Option(names = "--new-database", description = "With no upstream, an empty volume gets a new database (initdb).")
    boolean newDatabase;

    @Option(names = "--pod-dir", description = "Marks the process as this pod's, for pid checks.")
    Path podDir;

    @Option(names = "--volume", paramLabel = "DIR", description = "In a pod: the mounted volume claim.")
    Path volume;

    @Option(names = "--secrets", paramLabel = "DIR", description = "In a pod: the mounted Secrets.")
    Path secrets;

    @Option(names = "--spec", paramLabel = "FILE", description = "In a pod: the mounted spec.")
    Path spec;

    @Option(names = "--init-sql", paramLabel = "FILE", description = "In a pod: the mounted init SQL.")
    Path initSql;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "In a pod: the kubeconfig to use (default: the pod's service account).")
    Path kubeconfig;

    @Override
    public Integer call() throws Exception {
        if (volume != null) {
            return PodInstanceCommand.run(this);
        }
        if (ordinal == null || port == null || apiPort == null) {
            main.err.println("error: give --ordinal, --port and --api-port (the local runtime's controller does), or"
                    + " --volume, --secrets and --spec (a Kubernetes pod's container does)");
            return 2;
        }
        ClusterHome home = ClusterHome.of(main.pgsetHome(), cluster);
        Optional<InstanceOptions.Endpoint> up = Optional.ofNullable(upstream).map(u -> {
            int colon = u.lastIndexOf(':');
            return new InstanceOptions.Endpoint(u.substring(0, colon), Integer.parseInt(u.substring(colon + 1)));
        });
        InstanceOptions options = InstanceOptions.local(SpecReader.read(home.spec()), ordinal, Ports.LOOPBACK, port,
                apiPort, home.volume(cluster + "-" + ordinal), home.secrets(), up, newDatabase, Optional.of(home.spec()))
                .withBackups(home.backups());
        if (newDatabase && up.isEmpty()) {
            Optional<RestoreSource> source = RecoverySources.resolve(options.spec(), main.pgsetHome());
            if (source.isPresent()) {
                options = options.withRestoreSource(source.get());
            }
        }
        if (podDir != null) {
            // Recorded by the instance too, so that it is tracked even if whoever started it died
            // before writing the pid file itself.
            Files.createDirectories(podDir);
            io.pgset.local.Processes.writePid(podDir.resolve("pid"), ProcessHandle.current().pid());
        }
        // Locally, the instance managers are also what brings a dead controller back.
        io.pgset.local.ControllerWatchdog.start(main.pgsetHome(), cluster, cluster + "-" + ordinal,
                io.pgset.local.Launcher.ofCurrentJvm(Main.MAIN_CLASS));
        // Told at once when it becomes ready, the controller starts the next ordinal without waiting for its tick.
        InstanceMain.run(options, () -> io.pgset.local.ControllerWake.send(home),
                Optional.of(home.apiSockets()));
        return 0;
    }
}
