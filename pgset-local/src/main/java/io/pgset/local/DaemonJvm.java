package io.pgset.local;

import io.pgset.instance.SupervisorJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How pgset's daemons (the controller, the instance managers) run their JVM: fitted to a small,
 * long-lived supervisor whose live heap is about 5 MB. Measured with {@code bench/footprint.sh}
 * (see the README's "pgset's own JVMs" for where it goes).
 *
 * <ul>
 *   <li>{@link SupervisorJvm}'s flags and environment (heap, metaspace and code bounds, the serial
 *       collector, one C1 compiler thread, two malloc arenas), which pods use too.</li>
 *   <li>The daemons' jar ({@code pgset-daemon.jar}, written with {@code pgset.jar}), without the
 *       operator's libraries: a JVM keeps its jar's central directory in its heap, about 1.4 MB for
 *       {@code pgset.jar}'s 11,000 entries and 0.3 MB for the daemons' 2,200.</li>
 *   <li>The class-data sharing archive built with that jar for the daemon's role
 *       ({@code pgset-daemon-controller.jsa}, {@code pgset-daemon-instance.jsa}), when it is newer
 *       than the jar: classes are mapped from it instead of being parsed and verified at each
 *       start, and none of the other role's (the instance manager's JDBC driver), which a JVM
 *       would map all the same. {@code -Xshare:auto} lets a JVM that cannot use it (another JDK
 *       build) start without it.
 *       The archives are mapped at a random address (the JDK's default relocation, for address-space
 *       randomisation), so each JVM rewrites its own copy of their pages: that costs no RSS (the
 *       classes would take as much metaspace without an archive, and a JVM touches nearly every
 *       page of them either way) but the pages are private rather than shared with the other pgset
 *       JVMs, about 9 MB more PSS each.</li>
 * </ul>
 *
 * {@value #OPTIONS_ENV} adds flags after these (the last of a flag wins), e.g. a larger heap.
 */
public final class DaemonJvm {

    /** Extra JVM flags for the daemons, separated by spaces; they come last, so they override. */
    public static final String OPTIONS_ENV = "PGSET_DAEMON_JAVA_OPTIONS";

    static final Map<String, String> ENVIRONMENT = SupervisorJvm.ENVIRONMENT;

    static final List<String> FLAGS = SupervisorJvm.FLAGS;

    private DaemonJvm() {}

    /**
     * The flags for a daemon run with this class path whose marker is {@code marker} (see
     * {@link Launcher}; null for none): {@link #FLAGS}, the shared archive of its role beside the jar
     * when there is a fresh one, then the user's {@value #OPTIONS_ENV}.
     */
    public static List<String> flags(String classPath, String marker, Map<String, String> environment) {
        List<String> flags = new ArrayList<>(FLAGS);
        sharedArchive(classPath, role(marker)).ifPresent(archive -> {
            flags.add("-Xshare:auto");
            flags.add("-XX:SharedArchiveFile=" + archive);
        });
        flags.addAll(extra(environment.getOrDefault(OPTIONS_ENV, "")));
        return flags;
    }

    /**
     * The class path a daemon runs with, given the command's: the daemons' jar {@code X-daemon.jar}
     * beside a class path that is one jar {@code X.jar} (the build writes both, the daemons' without
     * the operator's libraries, see the pgset-cli pom), when it was written with or after it;
     * otherwise the command's class path itself (a build from classes, or a daemon's own).
     */
    public static String classPath(String commandClassPath) {
        if (commandClassPath.contains(java.io.File.pathSeparator) || !commandClassPath.endsWith(".jar")) {
            return commandClassPath;
        }
        Path jar = Path.of(commandClassPath);
        Path daemons = jar.resolveSibling(jar.getFileName().toString().replaceAll("\\.jar$", "-daemon.jar"));
        return notOlder(daemons, jar) ? daemons.toString() : commandClassPath;
    }

    /** The role a daemon's marker names ({@code controller} or {@code instance}), or empty for none. */
    static String role(String marker) {
        if (marker == null) {
            return "";
        }
        return marker.startsWith("--cluster-dir=") ? "controller" : marker.startsWith("--pod-dir=") ? "instance" : "";
    }

    /**
     * The archive beside a class path that is one jar {@code X.jar}: its role's {@code X-ROLE.jsa},
     * or else {@code X.jsa}, whichever first was written after the jar (an older one describes other
     * classes, and the JVM would refuse it).
     */
    static Optional<Path> sharedArchive(String classPath, String role) {
        if (classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar")) {
            return Optional.empty();
        }
        Path jar = Path.of(classPath).toAbsolutePath();
        String name = jar.getFileName().toString().replaceAll("\\.jar$", "");
        List<Path> archives = role.isEmpty() ? List.of(jar.resolveSibling(name + ".jsa"))
                : List.of(jar.resolveSibling(name + "-" + role + ".jsa"), jar.resolveSibling(name + ".jsa"));
        return archives.stream().filter(archive -> notOlder(archive, jar)).findFirst();
    }

    /** Whether {@code file} exists and was written with or after {@code than}. */
    private static boolean notOlder(Path file, Path than) {
        try {
            return Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(than)) >= 0;
        } catch (java.io.IOException e) {
            return false; // no such file (or no jar): nothing to prefer
        }
    }

    static List<String> extra(String options) {
        return Arrays.stream(options.strip().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }
}
