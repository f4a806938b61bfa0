package io.pgset.e2e.kubelet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * One hosts file per Kubernetes namespace (what cluster DNS would answer for its headless
 * Services), bind-mounted at /etc/hosts in each of its pods and rewritten in place, so every pod
 * sees a pod's name as soon as that pod has an address.
 */
final class NamespaceHosts {

    private final Path dir;
    private final Map<String, Map<String, EtcFiles.PodName>> byNamespace = new HashMap<>();

    NamespaceHosts(Path dir) {
        this.dir = dir;
    }

    /** Adds the pod and returns the namespace's hosts file. */
    synchronized Path add(String namespace, String address, EtcFiles.PodName name) {
        byNamespace.computeIfAbsent(namespace, n -> new HashMap<>()).put(address, name);
        return write(namespace);
    }

    synchronized void remove(String namespace, String address) {
        Map<String, EtcFiles.PodName> pods = byNamespace.get(namespace);
        if (pods != null && pods.remove(address) != null) {
            write(namespace);
        }
    }

    private Path write(String namespace) {
        Path file = dir.resolve(namespace);
        try {
            Files.createDirectories(dir);
            // In place, not replaced: the pods' bind mounts hold this very file.
            Files.writeString(file, EtcFiles.hosts(namespace, byNamespace.get(namespace)), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            Files.setAttribute(file, "unix:mode", 0644);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("process kubelet: cannot write the hosts file " + file, e);
        }
    }
}
