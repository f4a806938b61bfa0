package io.pgset.e2e.kubelet;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a launcher needs to start one container: the pod's network namespace, its host name,
 * the bind mounts of its volumes (and of the pod's /etc files), the user and groups it runs as, its
 * environment and working directory, its command with the image's paths mapped to this machine's,
 * and the file its output goes to.
 */
record ContainerLaunch(String networkNamespace, String hostname, List<Mount> mounts, long uid, long gid,
                       List<Long> groups, Map<String, String> environment, String workingDir,
                       List<String> command, Path log) {

    /** A host file or directory bind-mounted at {@code target} inside the container. */
    record Mount(Path source, String target, boolean readOnly) {
    }
}
