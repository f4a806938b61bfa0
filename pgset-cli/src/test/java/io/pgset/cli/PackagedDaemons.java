package io.pgset.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The daemons the ITs start (controllers, instance managers) run from the packaged jar, as
 * {@code bin/pgset} runs them, rather than from this JVM's class path of some 160 entries: they
 * then get the class-data archive the build writes beside the jar ({@code DaemonJvm}), and every
 * start costs about 40% less CPU (a start of the JVM with the training run: 1.05 against 1.8 CPU
 * seconds). The commands themselves still run in this JVM.
 *
 * <p>{@code Launcher.ofCurrentJvm} gives the daemons this JVM's {@code java.class.path}, so that is
 * where the jar goes. It does only when the jar holds the classes this JVM runs: when a module's
 * classes are newer than the jar (a build that did not package), the daemons keep this JVM's class
 * path, and a line says so.
 */
final class PackagedDaemons {

    static final Path JAR = Path.of("target", "pgset.jar").toAbsolutePath();

    private static boolean decided;

    private PackagedDaemons() {}

    /** Once per JVM: from then on, daemons run from the jar when it is up to date. */
    static synchronized void use() {
        if (decided) {
            return;
        }
        decided = true;
        String classPath = System.getProperty("java.class.path");
        Optional<String> stale = newerThanJar(classPath);
        if (stale.isEmpty()) {
            System.setProperty("java.class.path", JAR.toString());
        } else {
            System.out.printf("PackagedDaemons: daemons run from the test class path: %s%n", stale.get());
        }
    }

    /** Why the jar cannot stand for the class path, or empty when it can. */
    static Optional<String> newerThanJar(String classPath) {
        if (!Files.isRegularFile(JAR)) {
            return Optional.of(JAR + " does not exist");
        }
        FileTime jar = modified(JAR);
        List<Path> outputs = Arrays.stream(classPath.split(java.io.File.pathSeparator)).map(Path::of)
                .filter(PackagedDaemons::isModuleOutput).toList();
        for (Path output : outputs) {
            if (newest(output).compareTo(jar) > 0) {
                return Optional.of(output + " is newer than " + JAR);
            }
        }
        return Optional.empty();
    }

    /** A module's main classes, as a directory or its jar in a target directory; not its tests. */
    private static boolean isModuleOutput(Path entry) {
        String name = entry.getFileName() == null ? "" : entry.getFileName().toString();
        Path parent = entry.getParent();
        boolean inTarget = parent != null && parent.getFileName() != null
                && parent.getFileName().toString().equals("target");
        return inTarget && (name.equals("classes") || name.endsWith(".jar") && !name.endsWith("-tests.jar"))
                && !entry.equals(JAR);
    }

    private static FileTime newest(Path entry) {
        if (!Files.isDirectory(entry)) {
            return Files.exists(entry) ? modified(entry) : FileTime.fromMillis(0);
        }
        try (Stream<Path> files = Files.walk(entry)) {
            return files.filter(Files::isRegularFile).map(PackagedDaemons::modified)
                    .max(FileTime::compareTo).orElse(FileTime.fromMillis(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
