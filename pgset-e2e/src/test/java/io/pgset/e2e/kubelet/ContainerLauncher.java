package io.pgset.e2e.kubelet;

import java.io.IOException;

/**
 * Starts one container of a pod as processes of this machine. The kubelet decides what to run
 * ({@link ContainerLaunch}); a launcher decides how: {@link NamespaceLauncher} runs it on this
 * machine's root filesystem, another may chroot into a root filesystem of the image first.
 */
interface ContainerLauncher {

    RunningContainer launch(ContainerLaunch launch) throws IOException;
}
