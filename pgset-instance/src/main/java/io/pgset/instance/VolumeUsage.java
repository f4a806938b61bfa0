package io.pgset.instance;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.InstanceStatus;
import io.pgset.core.model.VolumeCapacity;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.function.Supplier;

/**
 * How full an instance's volume is, measured by the housekeeper every few seconds (walking a
 * volume is the slowest thing a status could do, and the controller asks several times a second).
 *
 * <p>A volume counts as full when less than {@link #FULL_BELOW} is free: postgres needs room for
 * at least a WAL segment to write, or even to start (crash recovery writes a checkpoint).
 */
final class VolumeUsage {

    static final long FULL_BELOW = 32L << 20;

    private final Path volume;
    private final Supplier<List<String>> keptCopies;
    private final Supplier<ClusterSpec.StorageSpec> spec;
    private volatile long usedBytes;
    private volatile InstanceStatus.Storage storage = InstanceStatus.Storage.UNKNOWN;

    /** @param spec the storage section of the spec the instance runs now (apply may change its size) */
    VolumeUsage(Path volume, Supplier<List<String>> keptCopies, Supplier<ClusterSpec.StorageSpec> spec) {
        this.volume = volume;
        this.keptCopies = keptCopies;
        this.spec = spec;
    }

    /** Measures now. */
    void measure() {
        if (!Files.isDirectory(volume)) {
            return; // made when the instance first prepares its data
        }
        long free = freeBytes();
        try {
            usedBytes = bytesOfFiles(volume);
        } catch (IOException e) {
            // a directory that cannot be read now: the last figure stands until the next measurement
        }
        storage = new InstanceStatus.Storage(free, free >= 0 && free < FULL_BELOW, keptCopies.get(), usedBytes, -1,
                0);
    }

    /** Bytes free on the volume's filesystem now (not the last measurement); -1 when it cannot be read. */
    long freeBytes() {
        try {
            FileStore store = Files.getFileStore(volume);
            return store.getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Whether the volume is full now. */
    boolean fullNow() {
        long free = freeBytes();
        return free >= 0 && free < FULL_BELOW;
    }

    long usedBytes() {
        return usedBytes;
    }

    /**
     * The last measurement, with the capacity of the spec the instance runs now, so that a larger
     * {@code storage.size} counts as soon as it is loaded.
     */
    InstanceStatus.Storage storage() {
        InstanceStatus.Storage measured = storage;
        if (measured.usedBytes() < 0) {
            return measured;
        }
        ClusterSpec.StorageSpec now = spec.get();
        return new InstanceStatus.Storage(measured.freeBytes(), measured.full(), measured.keptCopies(),
                measured.usedBytes(), VolumeCapacity.capacity(now, measured.usedBytes(), measured.freeBytes()),
                now.alertPercent());
    }

    /** For status messages: "3 MB free of 100 MB". */
    String describe() {
        try {
            FileStore store = Files.getFileStore(volume);
            return (store.getUsableSpace() >> 20) + " MB free of " + (store.getTotalSpace() >> 20) + " MB on "
                    + volume;
        } catch (IOException e) {
            return "free space of " + volume + " unknown: " + e.getMessage();
        }
    }

    /**
     * The bytes of the regular files under {@code dir}: one look at each file's attributes, as the
     * walk reads them anyway. Files come and go under a running postgres; one gone before it was
     * looked at counts for nothing.
     */
    static long bytesOfFiles(Path dir) throws IOException {
        long[] total = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    total[0] += attributes.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return total[0];
    }
}
