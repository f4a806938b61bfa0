package io.pgset.instance;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one way pgset writes a file whose loss or half-written state would change a decision
 * (markers, pid files, ports, specs, secrets, state): a new file beside it is written and
 * fsynced, renamed over the old one, and the directory is fsynced so the rename itself survives a
 * power cut. A reader sees the old content or the new, never part of either.
 */
public final class DurableFiles {

    /** Owner-only: secrets, passwords, keys. */
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    /** Readable by all: state files without secrets. */
    public static final Set<PosixFilePermission> SHARED = PosixFilePermissions.fromString("rw-r--r--");

    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** Something done to the new file before it replaces the old one (for example, a change of owner). */
    @FunctionalInterface
    public interface Preparation {
        void prepare(Path tmp) throws IOException;

        Preparation NONE = tmp -> { };
    }

    private DurableFiles() {}

    /** Replaces {@code file} with this text (UTF-8), readable by all. */
    public static void write(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8), SHARED, Preparation.NONE);
    }

    /** Replaces {@code file} with this text (UTF-8), readable by its owner only. */
    public static void writePrivate(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8), PRIVATE, Preparation.NONE);
    }

    /**
     * Replaces {@code file} with {@code content}: temp file (created with {@code permissions}, so
     * it is never readable by others, not even for a moment), fsync, {@code prepare}, rename,
     * directory fsync. The temp file's name is unique to this process and call, so two writers
     * never share one; it is removed when anything fails.
     */
    public static void write(Path file, byte[] content, Set<PosixFilePermission> permissions, Preparation prepare)
            throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + SEQUENCE.incrementAndGet() + ".tmp");
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(permissions));
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            prepare.prepare(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /**
     * Renames {@code from} to {@code to} in one step (both on one filesystem) and fsyncs the
     * directories involved, so that after a crash the entry is either in its old place or its new.
     */
    public static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        Path source = from.toAbsolutePath().getParent();
        Path target = to.toAbsolutePath().getParent();
        syncDirectory(target);
        if (!source.equals(target)) {
            syncDirectory(source);
        }
    }

    /** Removes a file, and fsyncs its directory so the removal survives a crash. */
    public static void delete(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            syncDirectory(file.toAbsolutePath().getParent());
        }
    }

    /** Makes the directory's entries (creations, renames, removals) durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
