package io.pgset.local;

import io.pgset.instance.Poll;
import java.time.Duration;

/** How pgset's commands wait: {@link Poll#until}, where an interrupt ends the command (the flag stays set). */
final class CommandPoll {

    private CommandPoll() {}

    static boolean until(Duration timeout, Duration every, Poll.Check condition) {
        try {
            return Poll.until(timeout, every, condition);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgsetException("interrupted");
        }
    }
}
