package io.pgset.kubernetes.operator;

import io.pgset.core.control.InstanceClient;
import io.pgset.core.control.PodState;
import io.pgset.core.model.BackupReport;
import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.PendingRestart;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An instance as Kubernetes runs it: besides the parameters postgres waits to apply, a pod made
 * from an older template of the StatefulSet (image, resources, probes) waits for a restart, and
 * only a new pod applies that. So such a pod's restart is its deletion; the StatefulSet makes it
 * again from the current template, on the same volume. Other restarts happen in place.
 *
 * <p>A volume's capacity is its claim's, not the spec's size the instance measures against.
 */
final class PodAwareInstanceClient implements InstanceClient {

    /** How a template change shows among the pending restarts. */
    static final String TEMPLATE = "pod template";

    private final InstanceClient instances;
    private final KubernetesRuntime runtime;

    PodAwareInstanceClient(InstanceClient instances, KubernetesRuntime runtime) {
        this.instances = instances;
        this.runtime = runtime;
    }

    /** Also measured against the pod's claim ({@link ClaimCapacity}), which is what its volume may hold. */
    @Override
    public InstanceStatus status(PodState pod) {
        InstanceStatus reported = instances.status(pod);
        InstanceStatus status = reported.withStorage(ClaimCapacity.against(reported.storage(),
                runtime.claimBytes(pod.ordinal())));
        Optional<KubernetesRuntime.Revisions> outdated = runtime.outdated(pod.name());
        if (outdated.isEmpty() || !status.started()) {
            return status;
        }
        List<PendingRestart> pending = new ArrayList<>(status.pendingRestart());
        pending.add(new PendingRestart(TEMPLATE, outdated.get().has(), outdated.get().wanted()));
        return status.withConfig(status.specVersion(), pending);
    }

    @Override
    public void restart(PodState pod) throws Exception {
        if (runtime.outdated(pod.name()).isPresent()) {
            runtime.deletePodNamed(pod.name());
        } else {
            instances.restart(pod);
        }
    }

    @Override
    public void ensureSlots(PodState primary, List<String> slots) throws Exception {
        instances.ensureSlots(primary, slots);
    }

    @Override
    public void promote(PodState pod) throws Exception {
        instances.promote(pod);
    }

    @Override
    public String demote(PodState primary, PodState newPrimary) throws Exception {
        return instances.demote(primary, newPrimary);
    }

    @Override
    public void follow(PodState pod, PodState primary) throws Exception {
        instances.follow(pod, primary);
    }

    @Override
    public void reload(PodState pod) throws Exception {
        instances.reload(pod);
    }

    @Override
    public BackupReport startBackup(PodState primary, BackupType type, int repo) throws Exception {
        return instances.startBackup(primary, type, repo);
    }

    @Override
    public Optional<BackupReport> lastBackup(PodState pod) throws Exception {
        return instances.lastBackup(pod);
    }
}
