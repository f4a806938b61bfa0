package io.pgset.cli;

/**
 * Ends the process at once. JDK 17's exit waits up to 300 ms for every thread running native code
 * to block, and the JDK HTTP client's selector thread, which outlives its last request, always
 * runs native code (it waits in epoll): every command that had used one (pgset's own APIs no longer
 * do; the Kubernetes client does) took 0.3 s longer to end than to finish. Its selector threads are
 * stopped first: interrupted, they close their selectors and end, as they would once their client is
 * no longer referenced.
 */
final class ProcessExit {

    /** How the JDK names a client's selector thread ({@code HttpClient-1-SelectorManager}). */
    private static final String SELECTOR_THREAD = "-SelectorManager";
    /** Beyond this the exit waits for a thread itself, as it did before. */
    private static final long JOIN_MILLIS = 100;

    private ProcessExit() {}

    /** Exits with this code, once the HTTP clients' selector threads have ended. */
    static void exit(int code) {
        stopHttpSelectors();
        System.exit(code);
    }

    static void stopHttpSelectors() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("HttpClient-") && thread.getName().endsWith(SELECTOR_THREAD)) {
                thread.interrupt();
                try {
                    thread.join(JOIN_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
