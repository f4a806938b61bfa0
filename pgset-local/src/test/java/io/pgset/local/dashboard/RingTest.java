package io.pgset.local.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RingTest {

    @Test
    void holdsValuesOldestFirstUntilFull() {
        Ring<Integer> ring = new Ring<>(3);
        assertThat(ring.toList()).isEmpty();
        assertThat(ring.newest()).isEmpty();

        ring.add(1);
        ring.add(2);

        assertThat(ring.toList()).containsExactly(1, 2);
        assertThat(ring.newest()).contains(2);
        assertThat(ring.size()).isEqualTo(2);
    }

    @Test
    void theNewestReplacesTheOldestOnceFull() {
        Ring<Integer> ring = new Ring<>(3);
        for (int i = 1; i <= 7; i++) {
            ring.add(i);
        }

        assertThat(ring.toList()).containsExactly(5, 6, 7);
        assertThat(ring.newest()).contains(7);
        assertThat(ring.size()).isEqualTo(3);
    }

    @Test
    void aRingWithoutRoomIsRefused() {
        assertThatThrownBy(() -> new Ring<>(0)).hasMessageContaining("at least one value, asked for 0");
    }
}
