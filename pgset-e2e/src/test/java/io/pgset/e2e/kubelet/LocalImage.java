package io.pgset.e2e.kubelet;

import io.pgset.kubernetes.image.ImageConfig;
import io.pgset.kubernetes.image.RootFilesystem;
import io.pgset.kubernetes.image.RunAs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the kubelet runs for an image reference, in place of pulling it: the image's root filesystem
 * as e2e/rootfs/build.sh builds it from deploy/Dockerfile, with the built pgset.jar where the
 * Dockerfile copies it, and what the Dockerfile says about running it (ENTRYPOINT, CMD, ENV,
 * WORKDIR, USER). Nothing of it is mapped to this machine's files.
 */
public record LocalImage(String reference, RootFilesystem rootfs, Path jar) {

    Map<String, String> environment() {
        return config().env();
    }

    String workingDir() {
        return config().workdir().toString();
    }

    /** The image's USER, which a pod's securityContext may override. */
    RunAs user() {
        return RunAs.parse(config().user());
    }

    /** One of the image's own files, read from its root filesystem ({@code /etc/passwd}). */
    Path file(String pathInImage) {
        return rootfs.resolve(pathInImage);
    }

    /** The command line of a container: its command or the ENTRYPOINT, then its args or the CMD. */
    List<String> commandLine(List<String> command, List<String> args) {
        boolean ownCommand = command != null && !command.isEmpty();
        List<String> line = new ArrayList<>(ownCommand ? command : config().entrypoint());
        line.addAll(args != null && !args.isEmpty() ? args : ownCommand ? List.of() : config().cmd());
        return line;
    }

    private ImageConfig config() {
        return rootfs.image();
    }
}
