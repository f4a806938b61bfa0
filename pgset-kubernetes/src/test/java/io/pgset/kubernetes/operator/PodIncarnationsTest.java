package io.pgset.kubernetes.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodIncarnationsTest {

    private final PodIncarnations incarnations = new PodIncarnations();

    @Test
    void aGonePodIsVouchedForOnlyByTheRemovalOfTheIncarnationLastListed() {
        incarnations.listed(List.of(pod("demo-0", "first")));
        incarnations.listed(List.of(pod("demo-0", "second")));

        assertThat(incarnations.vouching("demo-0", Optional.empty(), removal("second"))).isPresent();
        assertThat(incarnations.vouching("demo-0", Optional.empty(), removal("first")))
                .as("an earlier demo-0's removal says nothing of the later one").isEmpty();
    }

    @Test
    void aReplacementIsVouchedForOnlyByTheRemovalOfTheIncarnationBeforeIt() {
        incarnations.listed(List.of(pod("demo-0", "first")));
        incarnations.listed(List.of(pod("demo-0", "second")));
        incarnations.listed(List.of(pod("demo-0", "third")));
        Optional<Pod> replacement = Optional.of(pod("demo-0", "third"));

        assertThat(incarnations.vouching("demo-0", replacement, removal("second"))).isPresent();
        assertThat(incarnations.vouching("demo-0", replacement, removal("first"))).isEmpty();
    }

    @Test
    void anIncarnationNeverListedHasNoRemovalThatCounts() {
        assertThat(incarnations.vouching("demo-0", Optional.empty(), removal("first"))).isEmpty();
        incarnations.listed(List.of(pod("demo-1", "x")));
        assertThat(incarnations.vouching("demo-0", Optional.empty(), removal("first"))).isEmpty();
    }

    private static Pod pod(String name, String uid) {
        return new PodBuilder().withNewMetadata().withName(name).withUid(uid).endMetadata().build();
    }

    private static Optional<PodFate.Removal> removal(String uid) {
        return Optional.of(new PodFate.Removal(uid, Optional.empty()));
    }
}
