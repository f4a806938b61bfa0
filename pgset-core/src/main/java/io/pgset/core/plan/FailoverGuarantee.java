package io.pgset.core.plan;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterSpec.ReplicationMode;
import io.pgset.core.model.PodName;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What a failover may lose with a spec's replication mode, in words for {@code up} and
 * {@code status}: the promise {@link FailoverPlanner}'s sync rule keeps, or the loss async risks.
 */
public final class FailoverGuarantee {

    private FailoverGuarantee() {}

    /**
     * @param primary the current primary, or null when there is none (ordinal 0 is named then)
     */
    public static String describe(ClusterSpec spec, String primary) {
        String writer = primary == null ? spec.podName(0) : primary;
        int writerOrdinal = PodName.parse(writer).ordinal();
        List<String> standbys = IntStream.range(0, spec.instances()).filter(i -> i != writerOrdinal)
                .mapToObj(spec::podName).toList();
        if (standbys.isEmpty()) {
            return "no standby: a lost " + writer + " is started again from its volume; there is nothing to fail over to";
        }
        int k = spec.replication().syncStandbys();
        if (spec.replication().mode() == ReplicationMode.SYNC) {
            return "sync (ANY " + k + " of " + String.join(", ", standbys) + "): a commit is acknowledged once "
                    + k + (k == 1 ? " standby has" : " standbys have") + " it, so a failover loses no acknowledged"
                    + " transaction; writes wait while fewer than " + k + " stream";
        }
        String receivers = standbys.size() == 1 ? standbys.get(0)
                : "the promoted one of " + String.join(", ", standbys.subList(0, standbys.size() - 1))
                        + " and " + standbys.get(standbys.size() - 1);
        String advice = standbys.size() >= 2 ? "replication.mode: sync keeps them"
                : "with 3 instances the default is sync, which keeps them";
        return "async: a failover may lose the last transactions acknowledged by " + writer + " that " + receivers
                + " had not received (" + advice + ")";
    }
}
