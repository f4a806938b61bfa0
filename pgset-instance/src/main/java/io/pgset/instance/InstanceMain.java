package io.pgset.instance;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** Runs an instance manager and its API until the process is told to stop (SIGTERM). */
public final class InstanceMain {

    private InstanceMain() {}

    public static void run(InstanceOptions options) throws Exception {
        InstanceManager manager = new InstanceManager(options, Clock.systemUTC());
        ApiServer api = InstanceApi.serve(manager, options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            manager.close();
            stopped.countDown();
        }, "shutdown-" + options.pod()));
        manager.start();
        stopped.await();
    }
}
