package io.pgset.kubernetes.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.control.Event;
import org.junit.jupiter.api.Test;

class KubernetesEventsTest {

    @Test
    void reasonsAreOneCamelCaseWordEach() {
        assertThat(KubernetesEvents.reason(Event.Reason.Promote)).isEqualTo("Promote");
        assertThat(KubernetesEvents.reason(Event.Reason.PrimaryChanged)).isEqualTo("PrimaryChanged");
        assertThat(KubernetesEvents.reason(Event.Reason.Failed)).isEqualTo("Failed");
        assertThat(KubernetesEvents.reason(Event.Reason.Waiting)).isEqualTo("Waiting");
        assertThat(KubernetesEvents.reason(Event.Reason.VolumeFull)).isEqualTo("VolumeFull");
        for (Event.Reason reason : Event.Reason.values()) {
            assertThat(KubernetesEvents.reason(reason)).matches("[A-Z][A-Za-z]*");
        }
    }

    @Test
    void warningsAreWarningEventsAndTheRestNormal() {
        assertThat(KubernetesEvents.type(Event.Severity.WARNING)).isEqualTo("Warning");
        assertThat(KubernetesEvents.type(Event.Severity.NORMAL)).isEqualTo("Normal");
    }
}
