package io.pgset.cli;

import io.pgset.local.Launcher;
import io.pgset.local.LocalController;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The per-cluster controller daemon that {@code up} starts. */
@Command(name = "controller", hidden = true, mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Run a cluster's controller daemon (started by up).")
final class ControllerCommand implements Callable<Integer> {

    @picocli.CommandLine.ParentCommand
    Main main;

    @Option(names = "--cluster", required = true, paramLabel = "NAME", description = "The cluster to control.")
    String cluster;

    @Option(names = "--cluster-dir", description = "Marks the process as this cluster's, for pid checks.")
    Path clusterDir;

    @Override
    public Integer call() throws Exception {
        LocalController.run(main.pgsetHome(), cluster, Launcher.ofCurrentJvm(Main.MAIN_CLASS));
        return 0;
    }
}
