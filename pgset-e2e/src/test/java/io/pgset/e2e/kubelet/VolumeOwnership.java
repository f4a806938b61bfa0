package io.pgset.e2e.kubelet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A pod's fsGroup applied to a volume as the kubelet does it: every file and directory gets the
 * group, group read (and write, unless the volume is read-only), directories also group execute and
 * setgid. With {@code OnRootMismatch} nothing is done when the volume's root already has them.
 */
final class VolumeOwnership {

    private static final int SETGID = 02000;
    private static final int READ_WRITE = 0660;
    private static final int READ_ONLY = 0440;
    private static final int EXECUTE = 0110;

    private VolumeOwnership() {
    }

    static void apply(Path volume, Long fsGroup, boolean readOnly, String changePolicy) throws IOException {
        if (fsGroup == null) {
            return;
        }
        int mask = readOnly ? READ_ONLY : READ_WRITE;
        if ("OnRootMismatch".equals(changePolicy) && matches(volume, fsGroup, mask)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(volume)) {
            paths = walk.toList();
        }
        for (Path path : paths) {
            if (Files.isSymbolicLink(path)) {
                continue;
            }
            Files.setAttribute(path, "unix:gid", fsGroup.intValue(), LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            int wanted = mode | mask | (Files.isDirectory(path) ? SETGID | EXECUTE : 0);
            Files.setAttribute(path, "unix:mode", wanted & 07777);
        }
    }

    private static boolean matches(Path root, long fsGroup, int mask) throws IOException {
        int mode = (Integer) Files.getAttribute(root, "unix:mode");
        int gid = (Integer) Files.getAttribute(root, "unix:gid");
        return gid == fsGroup && (mode & mask) == mask && (mode & SETGID) != 0;
    }
}
