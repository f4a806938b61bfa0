package io.pgset.e2e.kubelet;

import io.pgset.kubernetes.image.Bind;
import io.pgset.kubernetes.image.RunAs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a launcher needs to start one container: the pod's network namespace, its host name,
 * the image, the bind mounts of its volumes (and of the pod's /etc files) and whether the image's
 * root is read-only (readOnlyRootFilesystem), the user and groups it runs as, its environment and
 * working directory, its command, and the file its output goes to.
 */
record ContainerLaunch(String networkNamespace, String hostname, LocalImage image, List<Bind> mounts,
                       boolean readOnlyRoot, RunAs user, Map<String, String> environment, String workingDir,
                       List<String> command, Path log) {
}
