package io.pgset.e2e.kubelet;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Map;

/** What every pod worker of one kubelet shares. */
record KubeletContext(KubernetesClient client, String nodeName, PodNetwork network, PodVolumes volumes,
                      NamespaceHosts hosts, ContainerLauncher launcher, Map<String, LocalImage> images,
                      Path podsDir, String apiServerHost, int apiServerPort) {
}
