package io.pgset.e2e.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A container's environment as a kubelet and container runtime make it: the image's variables,
 * HOSTNAME and HOME, the in-cluster API server's address (KUBERNETES_SERVICE_HOST/PORT; there is no
 * kube-proxy, so it is the API server's own address), then the container's env with its values from
 * the downward API, Secrets and ConfigMaps.
 */
final class ContainerEnvironment {

    private ContainerEnvironment() {
    }

    record Addresses(String podIp, String hostIp, String apiServerHost, int apiServerPort) {
    }

    static Map<String, String> build(KubernetesClient client, Pod pod, Container container, LocalImage image,
                                     String home, Addresses addresses) {
        Map<String, String> env = new LinkedHashMap<>(image.environment());
        env.put("HOSTNAME", pod.getSpec().getHostname() != null ? pod.getSpec().getHostname() : pod.getMetadata().getName());
        env.put("HOME", home);
        env.put("KUBERNETES_SERVICE_HOST", addresses.apiServerHost());
        env.put("KUBERNETES_SERVICE_PORT", String.valueOf(addresses.apiServerPort()));
        env.put("KUBERNETES_SERVICE_PORT_HTTPS", String.valueOf(addresses.apiServerPort()));
        env.put("KUBERNETES_PORT", "tcp://" + addresses.apiServerHost() + ":" + addresses.apiServerPort());
        if (container.getEnv() == null) {
            return env;
        }
        String namespace = pod.getMetadata().getNamespace();
        for (EnvVar variable : container.getEnv()) {
            env.put(variable.getName(), value(client, pod, namespace, variable, addresses));
        }
        return env;
    }

    private static String value(KubernetesClient client, Pod pod, String namespace, EnvVar variable, Addresses addresses) {
        if (variable.getValueFrom() == null) {
            return variable.getValue() == null ? "" : variable.getValue();
        }
        var from = variable.getValueFrom();
        if (from.getFieldRef() != null) {
            return DownwardApi.field(pod, from.getFieldRef().getFieldPath(), addresses.podIp(), addresses.hostIp());
        }
        if (from.getSecretKeyRef() != null) {
            Secret secret = client.secrets().inNamespace(namespace).withName(from.getSecretKeyRef().getName()).get();
            String encoded = secret == null || secret.getData() == null ? null : secret.getData().get(from.getSecretKeyRef().getKey());
            return new String(Base64.getDecoder().decode(require(encoded, variable)), StandardCharsets.UTF_8);
        }
        if (from.getConfigMapKeyRef() != null) {
            ConfigMap map = client.configMaps().inNamespace(namespace).withName(from.getConfigMapKeyRef().getName()).get();
            return require(map == null || map.getData() == null ? null : map.getData().get(from.getConfigMapKeyRef().getKey()),
                    variable);
        }
        throw new IllegalStateException("process kubelet: env " + variable.getName() + " takes its value from a source"
                + " this kubelet does not provide: " + from);
    }

    private static String require(String value, EnvVar variable) {
        if (value == null) {
            throw new IllegalStateException("process kubelet: env " + variable.getName() + " refers to a missing key");
        }
        return value;
    }
}
