package io.pgset.instance;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a pod's init container does to the volume before the instance manager starts: Kubernetes
 * mounts a claim with {@code fsGroup} ownership, which makes what is on it group-writable, and
 * postgres then refuses its data directory (it wants 0700 or 0750) and libpq ignores a password
 * file others can read. So the instance's own files get their private modes back: the volume's
 * files 0600 and directories 0700, and PGDATA itself 0700 (its contents are postgres's business).
 */
public final class VolumePreparation {

    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private VolumePreparation() {}

    /**
     * @return what was changed, one line each
     * @throws IOException saying what is wrong with the volume and what to do about it
     */
    public static List<String> prepare(Path volume) throws IOException {
        if (!Files.isDirectory(volume)) {
            throw new IOException("the volume " + volume + " is not a mounted directory; the pod must mount its `data`"
                    + " claim there (see `pgset render`)");
        }
        Path probe = volume.resolve(".pgset-write-test");
        Object me;
        try {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            me = owner(probe);
            Files.delete(probe);
        } catch (AccessDeniedException e) {
            throw new IOException("the volume " + volume + " is not writable by uid " + uid() + "; the pod's"
                    + " securityContext needs fsGroup 999 (the image's postgres group), as `pgset render` sets", e);
        }
        List<String> changed = new ArrayList<>();
        try (Stream<Path> entries = Files.list(volume)) {
            for (Path entry : entries.toList()) {
                // Only what the instance made: a filesystem's own lost+found (root's) is left alone.
                if (!Files.isSymbolicLink(entry) && !owner(entry).equals(me) && !isRoot()) {
                    continue;
                }
                if (entry.getFileName().toString().equals("lost+found")) {
                    continue;
                }
                if (entry.getFileName().toString().equals("pgdata") || entry.getFileName().toString().equals("pgdata.clone")) {
                    restrict(entry, DIRECTORY, changed); // inside is postgres's own
                } else {
                    restrictTree(entry, changed);
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw new IOException("cannot prepare the volume " + volume + ": " + e.getCause().getMessage(), e.getCause());
        }
        return changed;
    }

    private static Object owner(Path path) throws IOException {
        return Files.getAttribute(path, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void restrictTree(Path top, List<String> changed) throws IOException {
        try (Stream<Path> tree = Files.walk(top)) {
            for (Path path : tree.toList()) {
                if (!Files.isSymbolicLink(path)) {
                    restrict(path, Files.isDirectory(path) ? DIRECTORY : FILE, changed);
                }
            }
        }
    }

    private static void restrict(Path path, Set<PosixFilePermission> wanted, List<String> changed) throws IOException {
        Set<PosixFilePermission> has = Files.getPosixFilePermissions(path);
        if (!has.equals(wanted)) {
            Files.setPosixFilePermissions(path, wanted);
            changed.add(path + ": " + PosixFilePermissions.toString(has) + " -> " + PosixFilePermissions.toString(wanted));
        }
    }

    private static String uid() {
        try {
            return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return System.getProperty("user.name");
        }
    }
}
