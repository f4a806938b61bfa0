package io.pgset.instance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Follows a log that a writer begins new files of, never renaming one, with names that sort in
 * the order they were begun (postgres's {@code pglog/postgresql-<time>.json}): each
 * {@link #round} hands over the complete lines appended since the last one, reading a file to its
 * end before going on to the next newer one.
 *
 * <p>Where it is is kept in a position file (the file's name and the offset of the first line not
 * yet handed over), written after each round that moved on, so a restarted follower goes on where
 * the last one stopped and hands over again at most the lines of the round it was stopped in.
 * Without a position (the first start, or a position file lost), it begins at the start of the
 * newest file: what is older was either handed over before or is given up. When its file was
 * deleted meanwhile (pruned), it goes on with the oldest newer file.
 *
 * <p>Memory stays bounded: of a line longer than {@code maxLine} bytes only the first
 * {@code maxLine} are kept, and the line is handed over as cut.
 */
final class LogFollower {

    /** The files of the log, oldest first. */
    @FunctionalInterface
    interface Listing {
        List<Path> list() throws IOException;
    }

    /** Takes each line, without its line break. */
    @FunctionalInterface
    interface Sink {
        /**
         * @param text   the line, or its first {@code maxLine} bytes when it was longer
         * @param length the whole line's length in bytes
         * @param cut    whether {@code text} is only the line's beginning
         */
        void line(String text, long length, boolean cut);
    }

    private static final int CHUNK = 64 * 1024;

    private final Listing files;
    private final Path positionFile;
    private final int maxLine;
    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    private boolean positionRead;
    /** The name of the file being read; null before the first. */
    private String currentName;
    private Path current;
    /** The offset of the next byte to read in {@link #current}. */
    private long offset;
    /** The offset where the line being read began; what the position file keeps. */
    private long lineStart;
    private long lineLength;
    private String savedPosition = "";

    LogFollower(Listing files, Path positionFile, int maxLine) {
        this.files = files;
        this.positionFile = positionFile;
        this.maxLine = maxLine;
    }

    /** Hands over the lines appended since the last round; returns how many. */
    int round(Sink sink) throws IOException {
        if (!positionRead) {
            readPosition();
            positionRead = true;
        }
        List<Path> all = files.list();
        if (all.isEmpty()) {
            return 0;
        }
        int at = indexOf(all, currentName);
        if (at < 0) {
            at = firstNewer(all);
            moveTo(all.get(at));
        } else {
            current = all.get(at);
        }
        int lines = readToEnd(sink);
        while (at + 1 < all.size()) {
            // A newer file exists, so the writer has left this one: a last line without its break is done too.
            lines += finishLine(sink);
            moveTo(all.get(++at));
            lines += readToEnd(sink);
        }
        savePosition();
        return lines;
    }

    /** With no file yet, the newest; with one that is gone, the oldest that is newer. */
    private int firstNewer(List<Path> all) {
        if (currentName == null) {
            return all.size() - 1;
        }
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).getFileName().toString().compareTo(currentName) > 0) {
                return i;
            }
        }
        return all.size() - 1;
    }

    private static int indexOf(List<Path> all, String name) {
        for (int i = 0; name != null && i < all.size(); i++) {
            if (all.get(i).getFileName().toString().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private void moveTo(Path file) {
        current = file;
        currentName = file.getFileName().toString();
        offset = 0;
        lineStart = 0;
        lineLength = 0;
        kept.reset();
    }

    private int readToEnd(Sink sink) throws IOException {
        int lines = 0;
        try (FileChannel channel = FileChannel.open(current, StandardOpenOption.READ)) {
            if (channel.size() < offset) {
                moveTo(current); // cut short under us (not postgres's way): read it again from the start
            }
            channel.position(offset);
            int read;
            while ((read = channel.read(chunk.clear())) > 0) {
                byte[] bytes = chunk.array();
                int from = 0;
                for (int i = 0; i < read; i++) {
                    if (bytes[i] == '\n') {
                        keep(bytes, from, i - from);
                        offset += i - from + 1;
                        hand(sink);
                        lineStart = offset;
                        lines++;
                        from = i + 1;
                    }
                }
                keep(bytes, from, read - from);
                offset += read - from;
            }
        } catch (NoSuchFileException e) {
            // pruned since it was listed: the next round goes on with a newer file
        }
        return lines;
    }

    private int finishLine(Sink sink) {
        if (lineLength == 0) {
            return 0;
        }
        hand(sink);
        return 1;
    }

    private void keep(byte[] bytes, int from, int length) {
        kept.write(bytes, from, (int) Math.max(0, Math.min(length, maxLine - kept.size())));
        lineLength += length;
    }

    private void hand(Sink sink) {
        String text = kept.toString(StandardCharsets.UTF_8);
        sink.line(text, lineLength, lineLength > kept.size());
        kept.reset();
        lineLength = 0;
    }

    private void readPosition() throws IOException {
        if (!Files.exists(positionFile)) {
            return;
        }
        String text = Files.readString(positionFile).strip();
        int space = text.lastIndexOf(' ');
        if (space <= 0) {
            return; // not a position: begin as without one
        }
        try {
            long at = Long.parseLong(text.substring(space + 1));
            currentName = text.substring(0, space);
            offset = at;
            lineStart = at;
            savedPosition = text;
        } catch (NumberFormatException e) {
            // not a position: begin as without one
        }
    }

    private void savePosition() throws IOException {
        if (currentName == null) {
            return;
        }
        String position = currentName + " " + lineStart;
        if (!position.equals(savedPosition)) {
            DurableFiles.write(positionFile, position + "\n");
            savedPosition = position;
        }
    }
}
