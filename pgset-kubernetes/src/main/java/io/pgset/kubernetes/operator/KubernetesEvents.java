package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgset.core.control.EventSink;
import io.pgset.kubernetes.api.PostgresCluster;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's decisions as Kubernetes Events on the PostgresCluster, so that
 * {@code kubectl describe pgc demo} and {@code kubectl get events} tell what the operator did
 * and why (the local runtime's {@code pgset events}). Each is logged too; an Event the API server
 * refuses is only logged, never a reason to stop acting.
 */
final class KubernetesEvents implements EventSink {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEvents.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** The API server refuses longer messages. */
    static final int MAX_MESSAGE = 1024;

    private final KubernetesClient client;
    private final PostgresCluster cluster;
    private final Clock clock;

    KubernetesEvents(KubernetesClient client, PostgresCluster cluster, Clock clock) {
        this.client = client;
        this.cluster = cluster;
        this.clock = clock;
    }

    /** What the operator tells of the objects it applied, beside the controller's decisions. */
    enum AppliedReason {
        /** The NetworkPolicy admits every pod of the namespace: the spec leaves network.allow out. */
        NamespaceClients
    }

    @Override
    public void record(io.pgset.core.control.Event told) {
        LOG.info("{}", told.describe());
        publish(reason(told.reason()), type(told.severity()), told.message());
    }

    void record(AppliedReason reason, String message) {
        LOG.info("cluster={}/{} {}: {}", cluster.getMetadata().getNamespace(), cluster.getMetadata().getName(),
                reason, message);
        publish(reason.name(), "Normal", message);
    }

    private void publish(String reason, String type, String text) {
        String namespace = cluster.getMetadata().getNamespace();
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(cluster.getMetadata().getName() + "." + Long.toHexString(clock.millis())
                        + Long.toHexString(SEQUENCE.incrementAndGet()))
                .withNamespace(namespace)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(cluster.getApiVersion())
                        .withKind(cluster.getKind())
                        .withName(cluster.getMetadata().getName())
                        .withNamespace(namespace)
                        .withUid(cluster.getMetadata().getUid())
                        .build())
                .withReason(reason)
                .withType(type)
                .withMessage(text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE - 3) + "..." : text)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource().withComponent("pgset-operator").endSource()
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (RuntimeException e) { // never a reason for the decision it tells of to fail
            LOG.warn("cannot record the event '{}': {}", text, e.getMessage());
        }
    }

    /** The Event's reason: pgset's reasons are already one CamelCase word each, as Kubernetes writes them. */
    static String reason(io.pgset.core.control.Event.Reason reason) {
        return reason.name();
    }

    static String type(io.pgset.core.control.Event.Severity severity) {
        return severity == io.pgset.core.control.Event.Severity.WARNING ? "Warning" : "Normal";
    }
}
