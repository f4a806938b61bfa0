package io.pgset.e2e.kubelet;

import java.io.IOException;

/**
 * Starts one container of a pod as processes of this machine. The kubelet decides what to run
 * ({@link ContainerLaunch}); a launcher decides how: {@link ChrootLauncher} runs it inside the
 * image's root filesystem.
 */
interface ContainerLauncher {

    RunningContainer launch(ContainerLaunch launch) throws IOException;
}
