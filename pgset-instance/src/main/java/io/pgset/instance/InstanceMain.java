package io.pgset.instance;

import java.io.IOException;
import java.util.Optional;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** Runs an instance manager and its API until the process is told to stop (SIGTERM). */
public final class InstanceMain {

    private InstanceMain() {}

    /**
     * Runs until SIGTERM, telling {@code whenReady} each time the instance becomes ready, and serving
     * the API on a local socket among {@code apiSockets} as well (see {@link LocalApiSockets}).
     */
    public static void run(InstanceOptions options, Runnable whenReady, Optional<LocalApiSockets> apiSockets)
            throws Exception {
        Running running = start(options, whenReady, apiSockets);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "shutdown-" + options.pod()));
        stopped.await();
    }

    /** Starts the instance manager and its API; closing stops both (postgres with a fast shutdown). */
    public static Running start(InstanceOptions options) throws Exception {
        return start(options, () -> { }, Optional.empty());
    }

    private static Running start(InstanceOptions options, Runnable whenReady, Optional<LocalApiSockets> apiSockets)
            throws Exception {
        OutputLines.install(LogLines.configured(System.getProperties(), System.getenv()), options.spec().name(),
                options.pod());
        InstanceManager manager = new InstanceManager(options, Clock.systemUTC());
        manager.whenReady(whenReady);
        // The data (initdb, a clone) is made while the API issues its certificate and starts: neither
        // waits for the other, and on two cores the JVM's work and initdb's run side by side.
        manager.start();
        ApiServer api;
        try {
            api = InstanceApi.serve(manager, options, apiSockets);
        } catch (IOException | RuntimeException e) {
            manager.close(); // stops postgres if it started; a staged initdb or clone is removed at the next start
            throw e;
        }
        return new Running(manager, api);
    }

    /** A started instance manager with its API. */
    public record Running(InstanceManager manager, ApiServer api) implements AutoCloseable {
        @Override
        public void close() {
            api.close();
            manager.close();
        }
    }
}
