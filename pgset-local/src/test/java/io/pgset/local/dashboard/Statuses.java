package io.pgset.local.dashboard;

import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.Phase;
import java.util.List;
import java.util.Map;

/** Cluster statuses for the dashboard's tests: a primary and replicas with given clients. */
final class Statuses {

    private Statuses() {}

    static ClusterStatus cluster(String primary, ClusterStatus.PodStatus... pods) {
        return new ClusterStatus("demo", Phase.HEALTHY, primary, pods.length, pods.length, List.of(pods), List.of(),
                Map.of(), "", "v1", null, List.of());
    }

    static ClusterStatus.PodStatus pod(String name, String role, long lagBytes, int connections, long commits) {
        int ordinal = Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
        return new ClusterStatus.PodStatus(name, ordinal, role, true, "127.0.0.1", 5432 + ordinal, 100 + ordinal, 1,
                "0/3000000", lagBytes, lagBytes > 0 ? 0.5 : 0, "data-" + name, 0, "", List.of(), "",
                new InstanceStatus.Storage(1L << 30, false, List.of(), 40L << 20, 1L << 30, 80),
                new InstanceStatus.Activity(connections, commits));
    }
}
