package io.pgset.local;

import io.pgset.instance.Poll;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs in every local instance manager and starts the cluster's controller again when it has died,
 * so that no command is needed to bring it back. The running controller holds
 * {@code controller.lock} for its whole life, so a free lock means a dead controller. Of the
 * instance managers that see it free, the one that takes {@code change.lock} (which {@code up},
 * {@code down} and {@code apply} take too) starts it and holds that lock until the new controller
 * holds its own; the others find it running. A controller that {@code down} or {@code delete}
 * stopped ({@code controller.stopped}) stays stopped. The new controller adopts the running
 * instances and HAProxy as they are.
 */
public final class ControllerWatchdog implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("pgset.watchdog");
    private static final Duration EVERY = Duration.ofMillis(500);
    /** Seen dead this many times in a row: a controller that is starting holds no lock yet. */
    private static final int MISSES = 2;
    private static final Duration START = Duration.ofSeconds(30);
    /** The wait after a start before the next, doubled each time, so that a controller that cannot start is no tight loop. */
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);
    private static final Duration LONGEST_BACKOFF = Duration.ofMinutes(2);
    /** A controller alive this long is taken as started for good: the back-off starts over. */
    private static final Duration SETTLED = Duration.ofMinutes(1);

    private final Path pgsetHome;
    private final ClusterHome home;
    private final String instance;
    private final Launcher launcher;
    private final ScheduledExecutorService timer;
    private int misses;
    private Duration backoff = FIRST_BACKOFF;
    private long notBefore = System.nanoTime();
    private long aliveSince = -1;

    private ControllerWatchdog(Path pgsetHome, ClusterHome home, String instance, Launcher launcher) {
        this.pgsetHome = pgsetHome;
        this.home = home;
        this.instance = instance;
        this.launcher = launcher;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "controller-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    public static ControllerWatchdog start(Path pgsetHome, String cluster, String instance, Launcher launcher) {
        ControllerWatchdog watchdog = new ControllerWatchdog(pgsetHome, ClusterHome.of(pgsetHome, cluster), instance,
                launcher);
        watchdog.timer.scheduleWithFixedDelay(watchdog::check, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return watchdog;
    }

    /** One look; never throws, so the schedule never stops. */
    private void check() {
        try {
            long now = System.nanoTime();
            if (!wanted() || controllerAlive()) {
                misses = 0;
                aliveSince = aliveSince < 0 ? now : aliveSince;
                if (now - aliveSince >= SETTLED.toNanos()) {
                    backoff = FIRST_BACKOFF;
                }
                return;
            }
            aliveSince = -1;
            if (++misses >= MISSES && now - notBefore >= 0) {
                misses = 0;
                restart();
                notBefore = System.nanoTime() + backoff.toNanos();
                backoff = backoff.multipliedBy(2).compareTo(LONGEST_BACKOFF) > 0 ? LONGEST_BACKOFF : backoff.multipliedBy(2);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cluster={} instance={} cannot check on the controller: {}", home.name(), instance, e.toString());
        }
    }

    /** A controller should run: the cluster exists and was not stopped on purpose. */
    private boolean wanted() {
        return Files.exists(home.spec()) && !Files.exists(home.controllerStopped());
    }

    private boolean controllerAlive() throws IOException {
        try (FileChannel channel = FileChannel.open(home.controllerLock(), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this JVM holds it: it is the controller's
        }
    }

    private void restart() throws IOException {
        try (FileChannel channel = FileChannel.open(home.changeLock(), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
            if (lock == null || !wanted() || controllerAlive()) {
                return; // a command or another instance is at it
            }
            Process process = launcher.start(ControllerClient.daemonArgs(pgsetHome, home), home.controllerLog());
            LOG.warn("cluster={} instance={} the controller is gone; started a new one (pid {})", home.name(), instance,
                    process.pid());
            boolean holds = Poll.until(START, Duration.ofMillis(50), () -> {
                if (!process.isAlive()) {
                    throw new Poll.GiveUp(new IllegalStateException("exited with " + process.exitValue()));
                }
                return controllerAlive();
            });
            if (!holds) {
                LOG.warn("cluster={} instance={} the new controller (pid {}) took no lock within {} s; see {}",
                        home.name(), instance, process.pid(), START.toSeconds(), home.controllerLog());
            }
        } catch (IllegalStateException e) {
            LOG.warn("cluster={} instance={} the new controller {}; see {}", home.name(), instance, e.getMessage(),
                    home.controllerLog());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
