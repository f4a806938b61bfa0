package io.pgset.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The values of a pod's fieldRef paths (downward API), as a kubelet gives them to env and volumes. */
final class DownwardApi {

    private static final Pattern SUBSCRIPT = Pattern.compile("metadata\\.(labels|annotations)\\['([^']+)'\\]");

    private DownwardApi() {
    }

    static String field(Pod pod, String fieldPath, String podIp, String hostIp) {
        Matcher subscript = SUBSCRIPT.matcher(fieldPath);
        if (subscript.matches()) {
            Map<String, String> map = map(pod, subscript.group(1));
            return map.getOrDefault(subscript.group(2), "");
        }
        return switch (fieldPath) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> pod.getMetadata().getUid();
            case "metadata.labels", "metadata.annotations" -> new TreeMap<>(map(pod, fieldPath.substring(9))).entrySet()
                    .stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"").collect(Collectors.joining("\n"));
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
            case "status.podIP", "status.podIPs" -> podIp;
            case "status.hostIP", "status.hostIPs" -> hostIp;
            default -> throw new IllegalStateException("process kubelet: pod " + pod.getMetadata().getName()
                    + " asks for the field " + fieldPath + ", which this kubelet does not provide");
        };
    }

    private static Map<String, String> map(Pod pod, String which) {
        Map<String, String> map = which.equals("labels") ? pod.getMetadata().getLabels() : pod.getMetadata().getAnnotations();
        return map == null ? Map.of() : map;
    }
}
