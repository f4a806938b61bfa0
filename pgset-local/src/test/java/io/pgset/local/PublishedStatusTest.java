package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.Phase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PublishedStatusTest {

    private static ClusterStatus status(Phase phase, String message) {
        return new ClusterStatus("demo", phase, null, 3, 0, List.of(), List.of(), Map.of(), message, "", null, List.of());
    }

    @Test
    void aWaiterIsAnsweredByTheNextDifferentStatusAndNotByTheSameOneAgain() throws Exception {
        PublishedStatus published = new PublishedStatus(status(Phase.PROGRESSING, "starting"));
        PublishedStatus.Numbered first = published.after(0, Duration.ZERO);
        assertThat(first.status().message()).isEqualTo("starting");

        CompletableFuture<PublishedStatus.Numbered> next = CompletableFuture.supplyAsync(() -> {
            try {
                return published.after(first.generation(), Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        published.publish(status(Phase.PROGRESSING, "starting")); // the same again: no news
        // Nothing new was published: the waiter stays waiting.
        org.awaitility.Awaitility.await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1))
                .until(() -> !next.isDone());
        published.publish(status(Phase.HEALTHY, ""));

        PublishedStatus.Numbered answer = next.get(10, TimeUnit.SECONDS);
        assertThat(answer.status().phase()).isEqualTo(Phase.HEALTHY);
        assertThat(answer.generation()).isEqualTo(first.generation() + 1);
    }

    @Test
    void withNothingNewTheCurrentStatusComesBackWhenTheWaitEnds() throws Exception {
        PublishedStatus published = new PublishedStatus(status(Phase.PROGRESSING, "starting"));
        long seen = published.after(0, Duration.ZERO).generation();

        long start = System.nanoTime();
        PublishedStatus.Numbered answer = published.after(seen, Duration.ofMillis(200));

        assertThat(answer.generation()).isEqualTo(seen);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    }

    @Test
    void aGenerationFromAnotherControllerIsAnsweredAtOnce() throws Exception {
        PublishedStatus published = new PublishedStatus(status(Phase.PROGRESSING, "starting"));
        // A command that followed a controller which has since been replaced saw a higher number.
        assertThat(published.after(57, Duration.ofSeconds(30)).status().message()).isEqualTo("starting");
    }
}
