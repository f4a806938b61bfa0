package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PollTest {

    @Test
    void aCheckThatGivesUpEndsTheWaitAtOnceWithItsReason() {
        long start = System.nanoTime();
        IllegalStateException exited = new IllegalStateException("the controller exited at start");
        assertThatThrownBy(() -> Poll.until(Duration.ofSeconds(30), Duration.ofMillis(10), () -> {
            throw new Poll.GiveUp(exited);
        })).isSameAs(exited);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void foreverNeitherExpiresNorOverflows() throws Exception {
        Poll.Deadline forever = Poll.Deadline.after(Poll.FOREVER);
        assertThat(forever.expired()).isFalse();
        assertThat(forever.remaining()).isGreaterThan(Duration.ofDays(365 * 100));
        int[] calls = {0};
        assertThat(Poll.until(Poll.FOREVER, Duration.ofMillis(1), () -> ++calls[0] == 3)).isTrue();
    }
}
