package io.pgset.kubernetes.pod;

import io.pgset.core.model.PodName;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Who this pod is, from what the rendered pod spec hands it through the downward API
 * ({@code POD_NAME}, {@code POD_NAMESPACE}, {@code POD_IP}).
 *
 * @param name      the pod's name, {@code <cluster>-<ordinal>}
 * @param ordinal   its ordinal in the StatefulSet
 * @param namespace its namespace
 * @param ip        its address: postgres and the instance API listen there, and its certificate names it
 */
public record PodIdentity(String name, int ordinal, String namespace, String ip) {

    public static final String NAME = "POD_NAME";
    public static final String NAMESPACE = "POD_NAMESPACE";
    public static final String IP = "POD_IP";

    /**
     * @throws IllegalArgumentException saying which variable is missing or wrong, and why it matters
     */
    public static PodIdentity from(String cluster, Map<String, String> env) {
        String name = required(env, NAME, "the pod's name (metadata.name)");
        String namespace = required(env, NAMESPACE, "the pod's namespace (metadata.namespace)");
        String ip = required(env, IP, "the pod's address (status.podIP)");
        OptionalInt ordinal = PodName.ordinalIn(cluster, name);
        if (ordinal.isEmpty()) {
            throw new IllegalArgumentException(NAME + "=" + name + " is not a pod of the StatefulSet " + cluster
                    + " (expected " + cluster + "-<ordinal>); run `pgset instance` only in the pods pgset renders");
        }
        return new PodIdentity(name, ordinal.getAsInt(), namespace, ip);
    }

    private static String required(Map<String, String> env, String variable, String what) {
        String value = env.getOrDefault(variable, "").strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException(variable + " is not set: it must hold " + what + ", which the rendered"
                    + " pod spec passes through the downward API (see `pgset render`)");
        }
        return value;
    }
}
