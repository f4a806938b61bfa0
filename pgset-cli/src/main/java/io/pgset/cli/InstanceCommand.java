package io.pgset.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.InstanceMain;
import io.pgset.instance.InstanceOptions;
import io.pgset.instance.RestoreSource;
import io.pgset.local.RecoverySources;
import io.pgset.kubernetes.ManifestRenderer;
import io.pgset.kubernetes.pod.PodIdentity;
import io.pgset.kubernetes.pod.PodInstance;
import io.pgset.local.ClusterHome;
import io.pgset.local.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
            return inPod();
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
        InstanceMain.run(options, () -> io.pgset.local.ControllerWake.send(home));
        return 0;
    }

    private int inPod() throws Exception {
        if (secrets == null || spec == null) {
            main.err.println("error: in a pod, give --volume, --secrets and --spec (the pod's mounts; see `pgset render`)");
            return 2;
        }
        if (ordinal != null || upstream != null || newDatabase) {
            main.err.println("error: in a pod the instance learns its ordinal and upstream from the pod and the"
                    + " StatefulSet; drop --ordinal, --upstream and --new-database");
            return 2;
        }
        PodIdentity self;
        try {
            self = PodIdentity.from(cluster, System.getenv());
        } catch (IllegalArgumentException e) {
            main.err.println("error: " + e.getMessage());
            return 2;
        }
        if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
            main.err.println("error: cannot read the kubeconfig " + kubeconfig + "; give the path of a readable file");
            return 1;
        }
        Config config = kubeconfig != null ? Config.fromKubeconfig(Files.readString(kubeconfig))
                : Config.autoConfigure(null);
        // Short timeouts and no retries: the isolation guard must hear silence as silence, in time.
        int timeout = (int) PodInstance.API_TIMEOUT.toMillis();
        config = new ConfigBuilder(config).withRequestTimeout(timeout).withConnectionTimeout(timeout)
                .withRequestRetryBackoffLimit(0).build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        PodInstance.Settings settings = new PodInstance.Settings(cluster, volume, secrets, spec,
                Optional.ofNullable(initSql).filter(Files::exists), port == null ? ManifestRenderer.POSTGRES_PORT : port,
                apiPort == null ? ManifestRenderer.API_PORT : apiPort);
        PodInstance instance;
        try {
            instance = PodInstance.start(settings, self, client, main.out::println);
        } catch (IllegalArgumentException | java.io.IOException | java.io.UncheckedIOException e) {
            client.close();
            main.err.println("error: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            instance.close();
            client.close();
            stopped.countDown();
        }, "shutdown-" + self.name()));
        stopped.await();
        return 0;
    }
}
