package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgset.core.control.InstanceClient;
import io.pgset.core.control.PodState;
import io.pgset.core.model.BackupReport;
import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Role;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The instance managers of the fake kubelet's pods: each pod, once it exists, behaves as
 * {@code pgset instance} does at start in a pod: on an empty volume it runs initdb when it is
 * ordinal 0 of a cluster with no recorded primary, or clones the recorded primary; on a volume
 * with data it starts as the primary when it is the recorded one, else as its replica. WAL
 * advances on the primary at every look; replicas stream what their upstream has.
 */
final class FakeInstances implements InstanceClient {

    private final KubernetesClient client;
    private final String namespace;
    private final String cluster;
    private final Map<String, Instance> instances = new HashMap<>();
    /** What each volume holds: timeline and LSN; absent while empty. */
    private final Map<String, long[]> volumes = new HashMap<>();
    private final List<String> calls;

    private static final class Instance {
        String uid;
        Role role;
        String upstream = "";
        long timeline;
        long lsn;
        String specVersion = "";
        /** The instance manager's last backup; a new instance manager knows of none. */
        BackupReport backup;
    }

    /** What each volume's files take, by claim, once set; a volume not set is not measured yet. */
    private final Map<String, Long> volumeUse = new HashMap<>();
    /** The storage.size each instance measures against, as its spec says (the operator knows better). */
    private static final long SPEC_SIZE = 1L << 30;

    private Clock clock = Clock.systemUTC();
    /** Pods (by uid) whose instance no longer answers: cut off from the operator. */
    private final java.util.Set<String> cutOff = new java.util.HashSet<>();

    /** @param timeline where the operator's calls other than status go: "promote demo-1", "demote demo-0 -> demo-2" */
    FakeInstances(KubernetesClient client, String namespace, String cluster, List<String> timeline) {
        this.client = client;
        this.namespace = namespace;
        this.cluster = cluster;
        this.calls = timeline;
    }

    @Override
    public synchronized InstanceStatus status(PodState pod) {
        Instance i = current(pod.name());
        if (i == null) {
            return InstanceStatus.unreachable(pod.name(), "no such pod");
        }
        if (cutOff.contains(i.uid)) {
            return InstanceStatus.unreachable(pod.name(), "connect timed out");
        }
        boolean streaming = false;
        if (i.role == Role.PRIMARY) {
            i.lsn += 16; // writes go on
        } else {
            Instance up = current(i.upstream);
            if (up != null && up.role == Role.PRIMARY) {
                i.lsn = up.lsn;
                i.timeline = up.timeline;
                streaming = true;
            }
        }
        volumes.put("data-" + pod.name(), new long[] {i.timeline, i.lsn});
        boolean ready = i.role == Role.PRIMARY || streaming;
        String lsn = String.format("0/%X", i.lsn);
        return new InstanceStatus(pod.name(), i.role, true, ready, 100, i.timeline, lsn,
                i.role == Role.REPLICA ? lsn : null, streaming, 1 << 20, 0, ready ? "" : "not streaming",
                address(i.upstream)).withConfig(i.specVersion, List.of()).withStorage(storage("data-" + pod.name()));
    }

    /**
     * As an instance manager measures its volume: the files' bytes, against storage.size, on a
     * filesystem with 100 GiB free.
     */
    private InstanceStatus.Storage storage(String claim) {
        Long used = volumeUse.get(claim);
        if (used == null) {
            return InstanceStatus.Storage.UNKNOWN;
        }
        return new InstanceStatus.Storage(100L << 30, false, List.of(), used, SPEC_SIZE, 80);
    }

    /** From now on the pod's volume holds that many bytes of files. */
    synchronized void volumeUse(String podName, long bytes) {
        volumeUse.put("data-" + podName, bytes);
    }

    /** Where a replica streams from, as an instance reports it: host:port of its upstream pod. */
    private String address(String podName) {
        Pod pod = podName.isEmpty() ? null : client.pods().inNamespace(namespace).withName(podName).get();
        return pod == null ? "" : pod.getStatus().getPodIP() + ":5432";
    }

    /** The instance in the pod of that name as it runs now; a new pod starts a new instance manager. */
    private Instance current(String podName) {
        Pod pod = podName.isEmpty() ? null : client.pods().inNamespace(namespace).withName(podName).get();
        if (pod == null) {
            instances.remove(podName);
            return null;
        }
        Instance known = instances.get(podName);
        if (known != null && known.uid.equals(pod.getMetadata().getUid())) {
            return known;
        }
        Instance i = boot(podName);
        if (i != null) {
            i.uid = pod.getMetadata().getUid();
            instances.put(podName, i);
        }
        return i;
    }

    private Instance boot(String podName) {
        StatefulSet set = client.apps().statefulSets().inNamespace(namespace).withName(cluster).get();
        String recorded = set == null ? null : set.getMetadata().getAnnotations().get(KubernetesRuntime.PRIMARY_ANNOTATION);
        long[] data = volumes.get("data-" + podName);
        Instance i = new Instance();
        i.specVersion = loadedVersion();
        if (data == null) {
            if (recorded == null && podName.equals(cluster + "-0")) {
                i.role = Role.PRIMARY; // initdb
                i.timeline = 1;
                i.lsn = 0x3000000;
            } else if (recorded != null && instances.containsKey(recorded)) {
                i.role = Role.REPLICA; // pg_basebackup from the recorded primary
                i.upstream = recorded;
                i.timeline = instances.get(recorded).timeline;
                i.lsn = instances.get(recorded).lsn;
            } else {
                return null; // nothing to clone from yet: it waits
            }
        } else {
            i.timeline = data[0];
            i.lsn = data[1];
            boolean primary = recorded == null ? podName.equals(cluster + "-0") : recorded.equals(podName);
            i.role = primary ? Role.PRIMARY : Role.REPLICA;
            i.upstream = primary ? "" : recorded;
        }
        return i;
    }

    private String loadedVersion() {
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(cluster + "-spec").get();
        return map == null ? "" : SpecReader.version(SpecReader.read(map.getData().get("spec.yaml")));
    }

    private Instance reachable(PodState pod) throws IOException {
        Instance i = current(pod.name());
        if (i == null) {
            throw new IOException(pod.name() + " is not reachable");
        }
        return i;
    }

    /** The instance in the pod as it runs now stops answering the operator (a new pod of that name answers). */
    synchronized void cutOff(String podName) {
        cutOff.add(current(podName).uid);
    }

    /** The clock backups are timed by: the operator's, as an instance's clock would roughly agree with it. */
    synchronized FakeInstances timedBy(Clock clock) {
        this.clock = clock;
        return this;
    }

    /**
     * Takes the backup as an instance manager does: on the primary only, one at a time. The
     * timeline gets "backup full demo-0", or "backup full demo-0 refused: ..." when refused.
     */
    @Override
    public synchronized BackupReport startBackup(PodState primary, BackupType type, int repo)
            throws IOException, BackupRefused {
        Instance i = reachable(primary);
        String why = i.role != Role.PRIMARY ? primary.name() + " is a replica"
                : i.backup != null && i.backup.running() ? "a " + i.backup.type() + " backup runs" : "";
        calls.add("backup " + type.option() + " " + primary.name() + (why.isEmpty() ? "" : " refused: " + why));
        if (!why.isEmpty()) {
            throw new BackupRefused(why);
        }
        i.backup = new BackupReport(BackupReport.State.RUNNING, type.option(), repo, clock.instant().toString(), 0, "",
                "", "");
        return i.backup;
    }

    @Override
    public synchronized Optional<BackupReport> lastBackup(PodState pod) throws IOException {
        return Optional.ofNullable(reachable(pod).backup);
    }

    /** Ends the backup running on that pod, as pgBackRest would: with a label, or with its error line. */
    synchronized void finishBackup(String pod, String error) {
        BackupReport r = instances.get(pod).backup;
        boolean ok = error.isEmpty();
        instances.get(pod).backup = new BackupReport(ok ? BackupReport.State.SUCCEEDED : BackupReport.State.FAILED,
                r.type(), r.repo(), r.started(), 42.0, ok ? "20300106-030000F" : "", ok ? "22.3MB" : "", error);
    }

    @Override
    public synchronized void ensureSlots(PodState primary, List<String> slots) throws IOException {
        reachable(primary);
    }

    @Override
    public synchronized void promote(PodState pod) throws IOException {
        Instance i = reachable(pod);
        calls.add("promote " + pod.name());
        if (i.role != Role.PRIMARY) {
            i.role = Role.PRIMARY;
            i.upstream = "";
            i.timeline++;
        }
    }

    @Override
    public synchronized String demote(PodState primary, PodState newPrimary) throws IOException {
        Instance old = reachable(primary);
        Instance target = reachable(newPrimary);
        calls.add("demote " + primary.name() + " -> " + newPrimary.name());
        String checkpoint = String.format("0/%X", old.lsn);
        old.lsn += 1; // the shutdown checkpoint, streamed to the replicas
        target.lsn = old.lsn;
        old.role = Role.REPLICA;
        old.upstream = newPrimary.name();
        old.specVersion = loadedVersion(); // postgres restarted
        return checkpoint;
    }

    @Override
    public synchronized void follow(PodState pod, PodState primary) throws IOException {
        Instance i = reachable(pod);
        calls.add("follow " + pod.name() + " -> " + primary.name());
        i.upstream = primary.name();
        i.role = Role.REPLICA;
    }

    @Override
    public synchronized void reload(PodState pod) throws IOException {
        reachable(pod).specVersion = loadedVersion();
    }

    @Override
    public synchronized void restart(PodState pod) throws IOException {
        calls.add("restart " + pod.name());
        reachable(pod).specVersion = loadedVersion();
    }
}
