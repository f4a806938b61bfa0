package io.pgset.kubernetes.pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code postmaster.pid} that a pod's volume carries over from an earlier container.
 *
 * <p>A container runs in a pid namespace of its own, and the instance manager is what starts every
 * postgres in it. Before it has started one, any pid file in the data directory was written by a
 * postmaster of an earlier container, and every process of that container ended with it. The pid in
 * the file means nothing here, yet a fresh namespace hands out the same small numbers again: when
 * one now belongs to a process of this container's user (a thread of the instance manager's own
 * JVM will do), postgres takes the file for a live postmaster's and refuses the data directory.
 * pg_rewind then fails in its single-user run ("postgres single-user mode in target cluster
 * failed"), and a plain start can fail the same way.
 *
 * <p>Removing the file takes nothing from the interlock that postgres has in a pod: a postmaster in
 * another container's namespace could not be seen through the file anyway. Keeping two pods off one
 * volume is the operator's fencing (and the claim's access mode).
 */
final class StalePidFile {

    static final String NAME = "postmaster.pid";

    private StalePidFile() {}

    /**
     * Removes the data directory's pid file; call it before this container starts any postgres.
     *
     * @return the pid the removed file named, or empty when there was no file
     */
    static Optional<String> removeBeforeFirstStart(Path pgdata) throws IOException {
        Path file = pgdata.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String pid = Files.readAllLines(file).stream().findFirst().map(String::strip).orElse("");
        Files.delete(file);
        return Optional.of(pid.isEmpty() ? "none" : pid);
    }
}
