package io.pgset.instance;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a data directory that pgset made (initdb, a clone) is made durable: with one {@code syncfs}
 * of its file system where the kernel reports that call's write errors (Linux 5.8 and later),
 * rather than an fsync of each of its thousand-odd files, which costs about a millisecond a file
 * on a virtual disk even when nothing is left to write. postgres's own walk over the data directory
 * before crash recovery (a primary restarted in place) is then one syncfs too
 * ({@code recovery_init_sync_method}; measured with bench/recovery.sh). Elsewhere each file is
 * fsynced, as PostgreSQL's programs do by default.
 */
final class FileSystemSync {

    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)");
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final boolean syncfs;
    private final Tools tools;

    FileSystemSync(Tools tools) {
        this(tools, syncfsReportsErrors(System.getProperty("os.name", ""), System.getProperty("os.version", "")));
    }

    FileSystemSync(Tools tools, boolean syncfs) {
        this.tools = tools;
        this.syncfs = syncfs;
    }

    /**
     * Whether syncfs may stand in for fsyncing each file: only on Linux from 5.8, the first release
     * whose syncfs returns the write errors it meets (before, it said nothing of them).
     */
    static boolean syncfsReportsErrors(String osName, String kernelRelease) {
        if (!"Linux".equals(osName)) {
            return false;
        }
        Matcher m = RELEASE.matcher(kernelRelease);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > 5 || (major == 5 && minor >= 8);
    }

    /** postgres's settings for its sync before crash recovery: empty where its per-file default must stay. */
    java.util.Map<String, String> settings() {
        return syncfs ? java.util.Map.of("recovery_init_sync_method", "syncfs") : java.util.Map.of();
    }

    /** The arguments that tell initdb or pg_basebackup not to fsync each file, when {@link #sync} will. */
    List<String> skipPerFileSync() {
        return syncfs ? List.of("--no-sync") : List.of();
    }

    /**
     * Makes everything written under {@code dir} durable, if the program that wrote it was told to
     * leave that to this ({@link #skipPerFileSync}); fails when the kernel reports a write error.
     */
    void sync(Path dir) throws IOException {
        if (!syncfs) {
            return;
        }
        Tools.Ran ran = tools.execute(TIMEOUT, "sync", List.of("sync", "--file-system", dir.toString()));
        if (ran.exit() != 0) {
            throw new IOException("sync --file-system " + dir + " failed with exit code " + ran.exit() + ": "
                    + ran.output().strip());
        }
    }
}
