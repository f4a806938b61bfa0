package io.pgset.kubernetes.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.pgset.core.model.ConditionType;
import org.junit.jupiter.api.Test;

/** Core's conditions as .status.conditions, and back (for their transition times). */
class PublishedConditionsTest {

    @Test
    void aConditionIsPublishedAsKubernetesWritesOneAndReadBackUnchanged() {
        io.pgset.core.model.Condition ready = new io.pgset.core.model.Condition(ConditionType.Ready, true, "Healthy",
                "every instance is ready", "2026-11-29T10:00:00Z");

        Condition published = PostgresClusterReconciler.toKubernetes(ready);

        assertThat(published.getType()).isEqualTo("Ready");
        assertThat(published.getStatus()).isEqualTo("True");
        assertThat(published.getReason()).isEqualTo("Healthy");
        assertThat(published.getLastTransitionTime()).isEqualTo("2026-11-29T10:00:00Z");
        assertThat(PostgresClusterReconciler.fromKubernetes(published)).contains(ready);
    }

    @Test
    void aConditionOutsideTheSetIsDropped() {
        Condition old = new ConditionBuilder().withType("Failed").withStatus("True").build();

        assertThat(PostgresClusterReconciler.fromKubernetes(old)).isEmpty();
    }
}
