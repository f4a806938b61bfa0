package io.pgset.cli;

import io.pgset.instance.VolumePreparation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A Kubernetes pod's init container: gives the mounted volume's files their private modes back. */
@Command(name = "prepare-volume", hidden = true, mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Prepare a pod's volume for its instance (run by the pod's init container).")
final class PrepareVolumeCommand implements Callable<Integer> {

    @picocli.CommandLine.ParentCommand
    Main main;

    @Option(names = "--volume", required = true, paramLabel = "DIR", description = "Where the volume is mounted.")
    Path volume;

    @Override
    public Integer call() {
        try {
            List<String> changed = VolumePreparation.prepare(volume);
            changed.forEach(line -> main.out.println("prepare-volume: " + line));
            main.out.println("prepare-volume: " + volume + " is ready (" + changed.size() + " modes restored)");
            return 0;
        } catch (IOException e) {
            main.err.println("error: " + e.getMessage());
            return 1;
        }
    }
}
