package io.pgset.instance;

import io.pgset.core.model.LogFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * With the JSON log format, sends postgres's own records (its {@code pglog/*.json} files) to the
 * instance manager's log stream, each as one of pgset's JSON lines ({@link PostgresRecord#forwarded}),
 * so that one log pipeline sees both. It runs on a thread of its own, once a second, so a slow
 * disk or a flood of records never holds up supervision or the housekeeping; a round that fails
 * is logged once (and again only when the failure changes) and the next round tries again.
 * In the text format it does nothing: postgres's text files stay where {@code pgset logs} reads them.
 */
final class PostgresLogForwarder implements AutoCloseable {

    static final Duration EVERY = Duration.ofSeconds(1);
    /** Where the follower keeps its place, on the volume (beside pglog, which is postgres's). */
    static final String POSITION = "pglog.forwarded";
    /** The most of one record kept in memory; a longer one is forwarded cut, with what was read of it. */
    static final int MAX_RECORD = 64 * 1024;

    private final String cluster;
    private final String pod;
    private final Clock clock;
    private final InstanceLog log;
    private final Consumer<String> out;
    private final LogFollower follower;
    private final Housekeeper thread;
    private final boolean enabled;
    private String lastFailure;

    /**
     * @param out where each forwarded line goes: the process's log stream ({@link LogStream#println})
     */
    PostgresLogForwarder(PostgresLogs logs, InstanceOptions options, Clock clock, InstanceLog log,
                         Consumer<String> out) {
        this.cluster = options.spec().name();
        this.pod = options.pod();
        this.clock = clock;
        this.log = log;
        this.out = out;
        this.enabled = logs.format() == LogFormat.JSON;
        Path volume = options.volume();
        this.follower = new LogFollower(() -> PostgresLogs.files(volume, PostgresLogs.Kind.JSON),
                volume.resolve(POSITION), MAX_RECORD);
        this.thread = new Housekeeper(pod + "-postgres-log", log);
    }

    void start() {
        if (enabled) {
            thread.every(EVERY, "forwarding postgres's log", this::round);
        }
    }

    /** Forwards what postgres logged since the last round; returns how many records. */
    int round() {
        try {
            int records = follower.round((text, length, cut) ->
                    out.accept(PostgresRecord.of(text, length, cut).forwarded(cluster, pod, clock.instant())));
            if (lastFailure != null) {
                log.info("forwarding postgres's log again");
                lastFailure = null;
            }
            return records;
        } catch (IOException e) {
            String failure = String.valueOf(e);
            if (!failure.equals(lastFailure)) {
                log.warn("cannot forward postgres's log (trying again every " + EVERY.toSeconds() + " s): " + failure);
                lastFailure = failure;
            }
            return 0;
        }
    }

    @Override
    public void close() {
        thread.close();
    }
}
