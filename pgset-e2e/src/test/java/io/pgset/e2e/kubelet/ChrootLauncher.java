package io.pgset.e2e.kubelet;

import io.pgset.kubernetes.image.ChrootCommand;
import io.pgset.kubernetes.image.ChrootFilesystem;
import io.pgset.kubernetes.image.ChrootProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a container inside its image's root filesystem: in the pod's network namespace
 * ({@code ip netns exec}), then as {@link ChrootCommand} runs a process (new mount, UTS, IPC and pid
 * namespaces; a private overlayfs layer over the image's root filesystem, read-only when the
 * container asks for it; /proc, a minimal /dev, the jar, the pod's volumes and /etc files bind-mounted;
 * the pod's user and groups with no capabilities; only the container's environment). The java and
 * PostgreSQL the container runs are the image's own.
 *
 * <p>Each start gets a new layer (a restarted container starts from the image again, as with a
 * container runtime), deleted when the container has stopped; its mounts were all made in its own
 * mount namespace and end with it, so none is ever visible on this machine.
 */
final class ChrootLauncher implements ContainerLauncher {

    @Override
    public RunningContainer launch(ContainerLaunch launch) throws IOException {
        Path logs = launch.log().getParent();
        String container = launch.log().getFileName().toString().replaceFirst("\\.log$", "");
        ChrootFilesystem filesystem = new ChrootFilesystem(launch.image().rootfs(),
                Files.createTempDirectory(logs, container + ".layer-"), launch.image().jar(), launch.mounts(),
                launch.readOnlyRoot());
        ChrootCommand chroot = new ChrootCommand(filesystem,
                new ChrootProcess(launch.environment(), launch.user(), launch.workingDir(), launch.hostname()));
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", launch.networkNamespace()));
        Process process;
        try {
            line.addAll(chroot.command(launch.command()));
            process = new ProcessBuilder(line)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.log().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
        } catch (IOException | RuntimeException e) {
            filesystem.removeLayer();
            throw e;
        }
        process.onExit().thenRun(() -> removeLayer(filesystem, launch));
        return new RunningContainer(process, "pgset-kubelet://" + launch.networkNamespace() + "/" + process.pid());
    }

    private static void removeLayer(ChrootFilesystem filesystem, ContainerLaunch launch) {
        try {
            filesystem.removeLayer();
        } catch (UncheckedIOException e) {
            // The run's folder goes when the test class ends; until then the layer stays.
            System.out.println("process kubelet: container of " + launch.hostname() + " stopped, but "
                    + e.getMessage() + ": " + e.getCause());
        }
    }
}
