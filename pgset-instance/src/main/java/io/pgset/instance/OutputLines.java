package io.pgset.instance;

import io.pgset.core.model.LogFormat;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * In the JSON log format, the instance manager's standard output, where what other programs print
 * is copied (postgres before its logging collector runs, initdb, pg_basebackup, pgBackRest): each
 * line becomes one of pgset's JSON lines (logger {@code output}, level INFO, with the cluster and
 * pod), so that every line of the stream is a JSON object. Of a line longer than
 * {@link #MAX_LINE} bytes the rest is left out, so memory stays bounded.
 */
final class OutputLines extends OutputStream {

    static final int MAX_LINE = 64 * 1024;

    private final PrintStream target;
    private final String context;
    private final Clock clock;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    OutputLines(PrintStream target, String cluster, String pod, Clock clock) {
        this.target = target;
        this.context = "cluster=" + cluster + " pod=" + pod + " ";
        this.clock = clock;
    }

    /** In the JSON format, makes standard output write JSON lines; in text, leaves it as it is. */
    static void install(LogFormat format, String cluster, String pod) {
        if (format == LogFormat.JSON) {
            System.setOut(new PrintStream(new OutputLines(System.out, cluster, pod, Clock.systemUTC()), true,
                    StandardCharsets.UTF_8));
        }
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        int from = offset;
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == '\n') {
                keep(bytes, from, i - from);
                emit();
                from = i + 1;
            }
        }
        keep(bytes, from, offset + length - from);
    }

    @Override
    public synchronized void flush() {
        target.flush();
    }

    private void keep(byte[] bytes, int from, int length) {
        line.write(bytes, from, Math.max(0, Math.min(length, MAX_LINE - line.size())));
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        target.println(LogLines.format(LogFormat.JSON, clock.instant(), "INFO", "output", context + text, null));
    }
}
