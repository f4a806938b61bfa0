package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonJvmTest {

    @Test
    void daemonsRunWithBoundedHeapMetaspaceAndCodeCache() {
        List<String> flags = DaemonJvm.flags("/nowhere/pgset.jar", "--pod-dir=/nowhere/demo-0", Map.of());

        assertThat(flags).contains("-Xms5m", "-Xmn1m", "-Xmx64m", "-XX:MaxMetaspaceSize=64m", "-XX:ReservedCodeCacheSize=16m",
                "-XX:MaxDirectMemorySize=16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1");
        assertThat(flags).noneMatch(f -> f.startsWith("-XX:SharedArchiveFile"));
    }

    @Test
    void archiveBesideTheJarIsUsedWhenWrittenAfterIt(@TempDir Path dir) throws Exception {
        Path jar = jarAndArchive(dir, 5);

        assertThat(DaemonJvm.flags(jar.toString(), null, Map.of()))
                .containsSubsequence("-Xshare:auto", "-XX:SharedArchiveFile=" + dir.resolve("pgset.jsa"));
    }

    @Test
    void archiveOlderThanTheJarIsLeftOut(@TempDir Path dir) throws Exception {
        Path jar = jarAndArchive(dir, -5);

        assertThat(DaemonJvm.sharedArchive(jar.toString(), "")).isEmpty();
    }

    /** pgset.jar and pgset.jsa in {@code dir}, the archive written {@code archiveLater} seconds after the jar. */
    private static Path jarAndArchive(Path dir, int archiveLater) throws Exception {
        Path jar = Files.writeString(dir.resolve("pgset.jar"), "jar");
        Path archive = Files.writeString(dir.resolve("pgset.jsa"), "archive");
        Instant built = Instant.parse("2026-01-01T00:00:00Z");
        Files.setLastModifiedTime(jar, FileTime.from(built));
        Files.setLastModifiedTime(archive, FileTime.from(built.plusSeconds(archiveLater)));
        return jar;
    }

    @Test
    void classPathOfDirectoriesOrSeveralJarsHasNoArchive(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pgset.jsa"), "archive");

        assertThat(DaemonJvm.sharedArchive(dir.resolve("classes").toString(), "instance")).isEmpty();
        assertThat(DaemonJvm.sharedArchive(dir.resolve("a.jar") + java.io.File.pathSeparator + dir.resolve("pgset.jar"), ""))
                .isEmpty();
    }

    @Test
    void daemonsRunFromTheDaemonJarBesideTheCommandsJar(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("pgset.jar"), "jar");
        Path daemons = Files.writeString(dir.resolve("pgset-daemon.jar"), "daemon jar");
        Instant built = Instant.parse("2026-01-01T00:00:00Z");
        Files.setLastModifiedTime(jar, FileTime.from(built));
        Files.setLastModifiedTime(daemons, FileTime.from(built.plusSeconds(1)));

        assertThat(DaemonJvm.classPath(jar.toString())).isEqualTo(daemons.toString());
        // a daemon's own class path is already the daemons' jar
        assertThat(DaemonJvm.classPath(daemons.toString())).isEqualTo(daemons.toString());
        // and its archive is its role's beside it, not the command line's
        Files.setLastModifiedTime(Files.writeString(dir.resolve("pgset.jsa"), "archive"), FileTime.from(built.plusSeconds(2)));
        assertThat(DaemonJvm.sharedArchive(daemons.toString(), "instance")).isEmpty();
        for (String role : List.of("controller", "instance")) {
            Files.setLastModifiedTime(Files.writeString(dir.resolve("pgset-daemon-" + role + ".jsa"), "archive"),
                    FileTime.from(built.plusSeconds(2)));
        }
        assertThat(DaemonJvm.flags(daemons.toString(), "--cluster-dir=" + dir.resolve("clusters/demo"), Map.of()))
                .contains("-XX:SharedArchiveFile=" + dir.resolve("pgset-daemon-controller.jsa"));
        assertThat(DaemonJvm.flags(daemons.toString(), "--pod-dir=" + dir.resolve("clusters/demo/pods/demo-0"), Map.of()))
                .contains("-XX:SharedArchiveFile=" + dir.resolve("pgset-daemon-instance.jsa"));
    }

    @Test
    void aDaemonWithoutItsRolesArchiveMapsTheJarsOwn(@TempDir Path dir) throws Exception {
        Path jar = jarAndArchive(dir, 5);
        // an instance archive older than the jar describes other classes
        Files.setLastModifiedTime(Files.writeString(dir.resolve("pgset-instance.jsa"), "archive"),
                FileTime.from(Instant.parse("2025-01-01T00:00:00Z")));

        assertThat(DaemonJvm.sharedArchive(jar.toString(), "instance")).contains(dir.resolve("pgset.jsa"));
        assertThat(DaemonJvm.sharedArchive(jar.toString(), "controller")).contains(dir.resolve("pgset.jsa"));
        assertThat(DaemonJvm.role("--cluster-dir=/h/clusters/demo")).isEqualTo("controller");
        assertThat(DaemonJvm.role("--pod-dir=/h/clusters/demo/pods/demo-0")).isEqualTo("instance");
        assertThat(DaemonJvm.role(null)).isEmpty();
    }

    @Test
    void aDaemonJarOlderThanTheCommandsJarOrMissingIsNotUsed(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("pgset.jar"), "jar");

        assertThat(DaemonJvm.classPath(jar.toString())).isEqualTo(jar.toString());

        Path daemons = Files.writeString(dir.resolve("pgset-daemon.jar"), "daemon jar");
        Instant built = Instant.parse("2026-01-01T00:00:00Z");
        Files.setLastModifiedTime(jar, FileTime.from(built));
        Files.setLastModifiedTime(daemons, FileTime.from(built.minusSeconds(60)));

        assertThat(DaemonJvm.classPath(jar.toString())).isEqualTo(jar.toString());
        String classes = dir.resolve("classes") + java.io.File.pathSeparator + jar;
        assertThat(DaemonJvm.classPath(classes)).isEqualTo(classes);
    }

    @Test
    void userOptionsComeLastSoTheyOverride() {
        List<String> flags = DaemonJvm.flags("/nowhere/pgset.jar", null,
                Map.of(DaemonJvm.OPTIONS_ENV, "  -Xmx256m   -XX:NativeMemoryTracking=summary "));

        assertThat(flags.subList(flags.size() - 2, flags.size()))
                .containsExactly("-Xmx256m", "-XX:NativeMemoryTracking=summary");
        assertThat(flags.indexOf("-Xmx256m")).isGreaterThan(flags.indexOf("-Xmx64m"));
    }
}
