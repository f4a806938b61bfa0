package io.pgset.local;

import io.pgset.instance.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Held while a command changes a cluster's files ({@code change.lock}), so that two commands never
 * change one cluster at once; released with its channel.
 */
record ChangeLock(FileChannel channel, FileLock lock) implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(120);

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }

    /** Takes the cluster's lock, waiting up to {@link #WAIT} for another command to finish. */
    static ChangeLock take(ClusterHome home) throws IOException {
        FileChannel channel = FileChannel.open(home.changeLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        AtomicReference<FileLock> taken = new AtomicReference<>();
        try {
            boolean locked = CommandPoll.until(WAIT, Duration.ofMillis(100), () -> {
                try {
                    taken.set(channel.tryLock());
                } catch (OverlappingFileLockException e) {
                    // held by another thread of this JVM: wait like for another process
                } catch (IOException e) {
                    throw new Poll.GiveUp(new UncheckedIOException(e));
                }
                return taken.get() != null;
            });
            if (locked) {
                return new ChangeLock(channel, taken.get());
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            if (taken.get() == null) {
                channel.close();
            }
        }
        throw new PgsetException("another pgset command is changing cluster " + home.name()
                + " and has not finished within " + WAIT.toSeconds() + " s; try again when it is done");
    }
}
