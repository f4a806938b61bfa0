package io.pgset.instance;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A daemon's log file that never outgrows its limits: once {@code log} has reached
 * {@code maxBytes} it becomes {@code log.1} (the older ones move up to {@code log.2}, ...) and a
 * new {@code log} begins; at most {@code files} files exist, {@code log} included, the oldest
 * being deleted. It rolls only after a whole line, so no line is split between two files, and
 * {@code log} is always the current file.
 */
public final class RollingLog extends OutputStream {

    private final Path file;
    private final LogLimits limits;
    private OutputStream out;
    private long size;
    private boolean atLineStart = true;

    public RollingLog(Path file, LogLimits limits) throws IOException {
        this.file = file;
        this.limits = limits;
        open();
    }

    /**
     * Sends this process's standard output and error (and so SLF4J simple's lines) to a rolling
     * {@code file}. Whatever was written there before, by the process that redirected this
     * one's output to it, counts towards the first roll.
     */
    public static void redirectStandardStreams(Path file, LogLimits limits) throws IOException {
        PrintStream stream = new PrintStream(new RollingLog(file, limits), true, StandardCharsets.UTF_8);
        System.setOut(stream);
        System.setErr(stream);
    }

    /** The files of a log that exist, oldest first: ..., {@code log.2}, {@code log.1}, {@code log}. */
    public static java.util.List<Path> files(Path file) {
        java.util.List<Path> files = new java.util.ArrayList<>();
        for (int i = 1; Files.exists(numbered(file, i)); i++) {
            files.add(0, numbered(file, i));
        }
        if (Files.exists(file)) {
            files.add(file);
        }
        return files;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        if (atLineStart && size >= limits.maxBytes()) {
            roll();
        }
        out.write(bytes, offset, length);
        size += length;
        atLineStart = bytes[offset + length - 1] == '\n';
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    private void roll() throws IOException {
        out.close();
        Files.deleteIfExists(numbered(file, limits.files() - 1));
        for (int i = limits.files() - 2; i >= 0; i--) {
            Path from = numbered(file, i);
            if (Files.exists(from)) {
                Files.move(from, numbered(file, i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        open();
    }

    private void open() throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = Files.size(file);
    }

    private static Path numbered(Path file, int n) {
        return n == 0 ? file : file.resolveSibling(file.getFileName() + "." + n);
    }
}
