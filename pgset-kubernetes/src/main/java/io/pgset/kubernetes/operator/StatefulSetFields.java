package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What a StatefulSet's claim templates ask for, and which manager applied a field of it. Pure. */
final class StatefulSetFields {

    private StatefulSetFields() {}

    /** Whether both sets' claim templates ask for the same sizes and storage classes. */
    static boolean sameRequests(StatefulSet a, StatefulSet b) {
        return describe(a).equals(describe(b));
    }

    /** Each template's name, size and storage class (the cluster's default when it names none). */
    static String describe(StatefulSet set) {
        List<PersistentVolumeClaim> templates = set.getSpec().getVolumeClaimTemplates();
        return templates == null ? "[]" : templates.stream()
                .map(c -> c.getMetadata().getName() + " " + size(c) + " storage class "
                        + Objects.requireNonNullElse(c.getSpec().getStorageClassName(), "(default)"))
                .toList().toString();
    }

    private static String size(PersistentVolumeClaim claim) {
        Map<String, Quantity> requests = claim.getSpec().getResources() == null ? null
                : claim.getSpec().getResources().getRequests();
        Quantity size = requests == null ? null : requests.get("storage");
        return size == null ? "(no size)" : size.toString();
    }

    /** Whether {@code manager}'s apply owns the field at {@code path} (as in managedFields: "f:spec", "f:replicas"). */
    static boolean appliedBy(StatefulSet set, String manager, String... path) {
        List<ManagedFieldsEntry> entries = set.getMetadata().getManagedFields();
        if (entries == null) {
            return false;
        }
        return entries.stream()
                .filter(e -> manager.equals(e.getManager()) && "Apply".equals(e.getOperation()) && e.getFieldsV1() != null)
                .anyMatch(e -> contains(e.getFieldsV1().getAdditionalProperties(), path, 0));
    }

    private static boolean contains(Object fields, String[] path, int depth) {
        if (depth == path.length) {
            return true;
        }
        return fields instanceof Map<?, ?> map && map.containsKey(path[depth])
                && contains(map.get(path[depth]), path, depth + 1);
    }
}
