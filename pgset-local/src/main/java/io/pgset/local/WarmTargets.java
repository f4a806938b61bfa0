package io.pgset.local;

import io.pgset.core.model.PodManagementPolicy;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Which instances' JVMs the controller starts warm ({@link WarmInstances}) once it has created
 * one: exactly those its next pass will create, so that none waits unused.
 *
 * <ul>
 *   <li>OrderedReady: the lowest ordinal below {@code instances} that does not run, which the
 *       next pass creates once the one just created is Ready.</li>
 *   <li>Parallel, after an instance with no upstream (a new cluster's first, a stopped cluster's
 *       primary): every other ordinal that does not run, which the next pass creates together once
 *       that primary is ready.</li>
 *   <li>Parallel, after a replica: none. The same pass creates every other missing ordinal
 *       itself, so a JVM started now would only be handed its instance at once, like a cold one.</li>
 * </ul>
 */
final class WarmTargets {

    private WarmTargets() {}

    /**
     * @param created     the ordinal just created
     * @param hasUpstream whether it clones from and follows a primary
     * @param running     the ordinals whose instances run, {@code created} among them or not
     */
    static List<Integer> after(PodManagementPolicy policy, int created, boolean hasUpstream, int instances,
                               Set<Integer> running) {
        List<Integer> missing = IntStream.range(0, instances)
                .filter(o -> o != created && !running.contains(o)).boxed().toList();
        if (policy == PodManagementPolicy.PARALLEL) {
            return hasUpstream ? List.of() : missing;
        }
        return missing.isEmpty() ? List.of() : List.of(missing.get(0));
    }
}
