package io.pgset.e2e.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's volumes as directories of this machine: one directory per PersistentVolumeClaim, kept
 * under the kubelet's folder across pods (so a pod that comes back with the same claim finds its
 * data), and per pod an emptyDir directory and the files of Secret, ConfigMap, downward-API and
 * projected volumes (service-account tokens from the TokenRequest API). The pod's fsGroup is
 * applied as the kubelet applies it ({@link VolumeOwnership}).
 */
final class PodVolumes {

    private static final int DEFAULT_MODE = 0644;
    private static final long TOKEN_SECONDS = 3607;

    private final KubernetesClient client;
    private final Path claims;

    PodVolumes(KubernetesClient client, Path claims) {
        this.client = client;
        this.claims = claims;
    }

    /** The directory of the claim {@code name} in {@code namespace} (which the pods mount). */
    Path claim(String namespace, String name) {
        return claims.resolve(namespace).resolve(name);
    }

    /** Makes every volume of the pod and returns each one's directory by volume name. */
    Map<String, Path> prepare(Pod pod, Path podDir, String podIp, String hostIp) throws IOException {
        PodSecurityContext security = pod.getSpec().getSecurityContext();
        Long fsGroup = security == null ? null : security.getFsGroup();
        String policy = security == null ? null : security.getFsGroupChangePolicy();
        Map<String, Path> dirs = new LinkedHashMap<>();
        for (Volume volume : pod.getSpec().getVolumes()) {
            Path dir;
            boolean readOnly = true;
            if (volume.getPersistentVolumeClaim() != null) {
                dir = claimDirectory(pod, volume.getPersistentVolumeClaim().getClaimName());
                readOnly = false;
            } else {
                dir = Files.createDirectories(podDir.resolve("volumes").resolve(volume.getName()));
                if (volume.getEmptyDir() != null) {
                    Files.setAttribute(dir, "unix:mode", 0777);
                    readOnly = false;
                } else {
                    writeFiles(pod, volume, dir, podIp, hostIp);
                }
            }
            VolumeOwnership.apply(dir, fsGroup, readOnly, volume.getPersistentVolumeClaim() != null ? policy : null);
            dirs.put(volume.getName(), dir);
        }
        return dirs;
    }

    /**
     * Writes the pod's Secret and ConfigMap volumes again from their objects as they are now, as a
     * kubelet does on its sync (there, within about a minute; here at every call). A changed file is
     * replaced by a rename, so a reader sees the old content or the new, never half of it.
     */
    void refresh(Pod pod, Map<String, Path> dirs) throws IOException {
        for (Volume volume : pod.getSpec().getVolumes()) {
            Path dir = dirs.get(volume.getName());
            if (dir != null) {
                writeObjectFiles(pod.getMetadata().getNamespace(), volume, dir);
            }
        }
    }

    /** A Secret or ConfigMap volume's files, from the object as it is now; false for other kinds. */
    private boolean writeObjectFiles(String namespace, Volume volume, Path dir) throws IOException {
        if (volume.getSecret() != null) {
            Secret secret = client.secrets().inNamespace(namespace).withName(volume.getSecret().getSecretName()).get();
            write(dir, secretData(secret, volume.getSecret().getSecretName()), volume.getSecret().getItems(),
                    mode(volume.getSecret().getDefaultMode()));
            return true;
        }
        if (volume.getConfigMap() != null) {
            write(dir, configMapData(namespace, volume.getConfigMap().getName()), volume.getConfigMap().getItems(),
                    mode(volume.getConfigMap().getDefaultMode()));
            return true;
        }
        return false;
    }

    private Path claimDirectory(Pod pod, String claimName) throws IOException {
        String namespace = pod.getMetadata().getNamespace();
        if (client.persistentVolumeClaims().inNamespace(namespace).withName(claimName).get() == null) {
            throw new IllegalStateException("process kubelet: pod " + pod.getMetadata().getName()
                    + " mounts the claim " + claimName + ", which does not exist (yet)");
        }
        return Files.createDirectories(claim(namespace, claimName));
    }

    private void writeFiles(Pod pod, Volume volume, Path dir, String podIp, String hostIp) throws IOException {
        if (writeObjectFiles(pod.getMetadata().getNamespace(), volume, dir)) {
            return;
        }
        if (volume.getDownwardAPI() != null) {
            for (var item : volume.getDownwardAPI().getItems()) {
                writeFile(dir.resolve(item.getPath()), DownwardApi.field(pod, item.getFieldRef().getFieldPath(), podIp, hostIp)
                        .getBytes(StandardCharsets.UTF_8), mode(item.getMode(), volume.getDownwardAPI().getDefaultMode()));
            }
        } else if (volume.getProjected() != null) {
            int defaultMode = mode(volume.getProjected().getDefaultMode());
            for (VolumeProjection source : volume.getProjected().getSources()) {
                project(pod, source, dir, defaultMode, podIp, hostIp);
            }
        } else {
            throw new IllegalStateException("process kubelet: pod " + pod.getMetadata().getName() + " has volume "
                    + volume.getName() + " of a kind this kubelet does not provide (it knows persistentVolumeClaim,"
                    + " emptyDir, secret, configMap, downwardAPI and projected)");
        }
    }

    private void project(Pod pod, VolumeProjection source, Path dir, int defaultMode, String podIp, String hostIp)
            throws IOException {
        String namespace = pod.getMetadata().getNamespace();
        if (source.getSecret() != null) {
            Secret secret = client.secrets().inNamespace(namespace).withName(source.getSecret().getName()).get();
            write(dir, secretData(secret, source.getSecret().getName()), source.getSecret().getItems(), defaultMode);
        } else if (source.getConfigMap() != null) {
            write(dir, configMapData(namespace, source.getConfigMap().getName()), source.getConfigMap().getItems(), defaultMode);
        } else if (source.getDownwardAPI() != null) {
            for (var item : source.getDownwardAPI().getItems()) {
                writeFile(dir.resolve(item.getPath()), DownwardApi.field(pod, item.getFieldRef().getFieldPath(), podIp, hostIp)
                        .getBytes(StandardCharsets.UTF_8), mode(item.getMode(), defaultMode));
            }
        } else if (source.getServiceAccountToken() != null) {
            var token = source.getServiceAccountToken();
            writeFile(dir.resolve(token.getPath()), serviceAccountToken(pod, token.getAudience(),
                    token.getExpirationSeconds()).getBytes(StandardCharsets.UTF_8), defaultMode);
        } else {
            throw new IllegalStateException("process kubelet: pod " + pod.getMetadata().getName()
                    + " has a projected source this kubelet does not provide: " + source);
        }
    }

    private String serviceAccountToken(Pod pod, String audience, Long expirationSeconds) {
        TokenRequest request = new TokenRequestBuilder().withNewSpec()
                .withAudiences(audience == null ? List.of() : List.of(audience))
                .withExpirationSeconds(expirationSeconds == null ? TOKEN_SECONDS : expirationSeconds)
                .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod")
                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endBoundObjectRef()
                .endSpec().build();
        return client.serviceAccounts().inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getSpec().getServiceAccountName()).tokenRequest(request).getStatus().getToken();
    }

    private Map<String, byte[]> secretData(Secret secret, String name) {
        if (secret == null) {
            throw new IllegalStateException("process kubelet: the Secret " + name + " a pod mounts does not exist (yet)");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
        }
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
        }
        return data;
    }

    private Map<String, byte[]> configMapData(String namespace, String name) {
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(name).get();
        if (map == null) {
            throw new IllegalStateException("process kubelet: the ConfigMap " + name + " a pod mounts does not exist (yet)");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (map.getData() != null) {
            map.getData().forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
        }
        if (map.getBinaryData() != null) {
            map.getBinaryData().forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
        }
        return data;
    }

    private static void write(Path dir, Map<String, byte[]> data, List<KeyToPath> items, int defaultMode) throws IOException {
        if (items == null || items.isEmpty()) {
            for (Map.Entry<String, byte[]> entry : data.entrySet()) {
                writeFile(dir.resolve(entry.getKey()), entry.getValue(), defaultMode);
            }
            return;
        }
        for (KeyToPath item : items) {
            byte[] value = data.get(item.getKey());
            if (value == null) {
                throw new IllegalStateException("process kubelet: a pod mounts the key " + item.getKey() + ", which is missing");
            }
            writeFile(dir.resolve(item.getPath()), value, mode(item.getMode(), defaultMode));
        }
    }

    private static void writeFile(Path file, byte[] content, int mode) throws IOException {
        Files.createDirectories(file.getParent());
        if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), content)) {
            return;
        }
        Path next = file.resolveSibling(".." + file.getFileName() + ".next");
        Files.write(next, content);
        if (Files.exists(file)) {
            // Owner, group and mode as the pod's fsGroup made them (a refresh runs no VolumeOwnership).
            Files.setAttribute(next, "unix:uid", Files.getAttribute(file, "unix:uid"));
            Files.setAttribute(next, "unix:gid", Files.getAttribute(file, "unix:gid"));
            Files.setAttribute(next, "unix:mode", Files.getAttribute(file, "unix:mode"));
        } else {
            Files.setAttribute(next, "unix:mode", mode);
        }
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static int mode(Integer mode) {
        return mode == null ? DEFAULT_MODE : mode;
    }

    private static int mode(Integer mode, Integer defaultMode) {
        return mode != null ? mode : mode(defaultMode);
    }
}
