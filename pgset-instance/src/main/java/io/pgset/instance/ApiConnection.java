package io.pgset.instance;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * One connection to an API carrying one request at a time (see {@link ApiConnections}): over TLS
 * ({@link HttpsConnection}), or over a local socket ({@link UnixConnection}).
 */
abstract class ApiConnection implements Closeable {

    private long idleSinceNanos = System.nanoTime();

    /** Writes a request whole and reads its answer, each wait for the server bounded by {@code timeout}. */
    final ApiAnswer exchange(byte[] request, Duration timeout) throws IOException {
        write(request, timeout);
        ApiAnswer answer = HttpMessages.read(input());
        idleSinceNanos = System.nanoTime();
        return answer;
    }

    /** Bounds each wait for the server by {@code timeout} from now on, and writes the request whole. */
    abstract void write(byte[] request, Duration timeout) throws IOException;

    /** The answers, buffered. */
    abstract InputStream input();

    /** How long it has waited unused since its last answer (or since it opened). */
    final Duration idle() {
        return Duration.ofNanos(System.nanoTime() - idleSinceNanos);
    }

    /** Closes at once, whatever the server does. */
    @Override
    public abstract void close();
}
