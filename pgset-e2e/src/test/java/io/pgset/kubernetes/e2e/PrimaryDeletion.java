package io.pgset.kubernetes.e2e;

import static io.pgset.kubernetes.e2e.DemoCluster.*;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deletes the primary's pod under a sync write load through {@code -rw}, and tells what followed:
 * either a replica was promoted, or the pod came back (same name, same claim) as the primary. Both
 * must keep every acknowledged commit; the scenarios assert which they expect.
 */
final class PrimaryDeletion {

    /**
     * @param promotedAfterMillis when the status first named another ready primary, after the
     *                            deletion; -1 when it never did
     */
    record Outcome(String oldPrimary, String newPrimary, Pod oldPod, Set<Long> acknowledged, long gapMillis,
                   long promotedAfterMillis) {}

    private PrimaryDeletion() {}

    /**
     * @param firstId the write load's first row id (each load of the table takes its own range)
     * @param force   grace 0: the pod object goes at once, its container shown running
     */
    static Outcome underWriteLoad(KubeletEnvironment environment, long firstId, boolean force) throws Exception {
        KubernetesClient client = environment.client();
        String oldPrimary = (String) status(client).get("primary");
        Pod pod = client.pods().inNamespace(NAMESPACE).withName(oldPrimary).get();
        String how = force ? "force-deleted" : "deleted";
        AtomicLong promotedAfter = new AtomicLong(-1);
        try (WriteLoad load = new WriteLoad(firstId, () -> addresses(client, CLUSTER + "-rw"),
                address -> connect(client, address))) {
            load.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.acknowledged().size() > 20);

            long start = System.nanoTime();
            (force ? client.resource(pod).withGracePeriod(0) : client.resource(pod)).delete();
            await().atMost(READY).pollInterval(Duration.ofMillis(200)).until(() -> {
                Object ready = status(client).get("primary"); // the ready primary: none while there is none
                boolean promoted = ready != null && !oldPrimary.equals(ready);
                if (promoted) {
                    promotedAfter.compareAndSet(-1, millisSince(start));
                }
                Pod current = client.pods().inNamespace(NAMESPACE).withName(oldPrimary).get();
                return promoted || current != null && !current.getMetadata().getUid().equals(pod.getMetadata().getUid())
                        && ready(current);
            });
            int before = load.acknowledged().size();
            await().atMost(READY).until(() -> load.acknowledged().size() > before + 20);
            String newPrimary = await().atMost(READY).until(() -> (String) status(client).get("primary"), Objects::nonNull);
            System.out.printf("primary %s %s: %s after %d ms%n", oldPrimary, how, newPrimary.equals(oldPrimary)
                    ? "its pod came back as the primary" : newPrimary + " was promoted", millisSince(start));
            awaitClusterReady(environment, 3);
            load.close();
            System.out.printf("write gap after the primary's pod was %s: %d ms (%d commits acknowledged)%n", how,
                    load.longestGapMillis(), load.acknowledged().size());
            return new Outcome(oldPrimary, newPrimary, pod, load.acknowledged(), load.longestGapMillis(),
                    promotedAfter.get());
        }
    }

    private static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
