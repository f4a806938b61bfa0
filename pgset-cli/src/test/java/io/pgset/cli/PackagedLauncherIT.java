package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packaged pgset as a user runs it: {@code bin/pgset} and the shaded jar, whose daemons run from
 * the daemons' jar beside it with the class-data sharing archive the build wrote for them. They run
 * with the small-supervisor flags, map that archive and load only their own command; a cluster
 * comes up Healthy with them.
 */
class PackagedLauncherIT extends PerTestHome {

    private static final Path LAUNCHER = Path.of("..", "bin", "pgset").toAbsolutePath().normalize();
    private static final Path DAEMON_JAR = Path.of("target", "pgset-daemon.jar").toAbsolutePath();
    private static final Path TARGET = Path.of("target").toAbsolutePath();

    @Test
    void daemonsOfThePackagedBuildMapTheSharedArchiveAndRunInASmallHeap() throws Exception {
        for (String role : List.of("controller", "instance")) {
            assertThat(archive(role)).as("the %s's class-data sharing archive, written by package before the ITs", role)
                    .exists();
        }
        // Every JVM maps the whole archive, so a class in it costs every daemon memory even unused.
        for (String list : List.of("pgset.classlist", "pgset-daemon-controller.classlist", "pgset-daemon-instance.classlist")) {
            assertThat(Files.readString(TARGET.resolve(list)))
                    .as("classes archived in %s", list).doesNotContain("com/fasterxml/jackson/databind/");
        }
        // a daemon's archive holds its own command, and neither the command line's nor the operator's
        // libraries nor the other role's (the JDBC driver is the instance manager's alone)
        assertThat(Files.readString(TARGET.resolve("pgset-daemon-instance.classlist")))
                .contains("io/pgset/cli/InstanceCommand", "org/postgresql/Driver")
                .doesNotContain("io/pgset/cli/UpCommand", "picocli/", "io/fabric8/", "io/javaoperatorsdk/");
        assertThat(Files.readString(TARGET.resolve("pgset-daemon-controller.classlist")))
                .contains("io/pgset/cli/ControllerCommand")
                .doesNotContain("io/pgset/cli/UpCommand", "picocli/", "io/fabric8/", "org/postgresql/");
        Path spec = home.specFile("instances: 1");

        Run up = launch("up", "-f", spec.toString(), "--timeout", "120");

        assertThat(up.exit()).as(up.out()).isZero();
        assertThat(up.out()).contains("cluster demo is Healthy: 1/1 instances ready").doesNotContain("[warning]");
        List<ProcessHandle> daemons = home.processes().stream()
                .filter(p -> p.info().commandLine().orElse("").contains("-Dpgset.marker=")).toList();
        assertThat(daemons).as("the controller and the instance manager").hasSize(2);
        for (ProcessHandle daemon : daemons) {
            String command = daemon.info().commandLine().orElseThrow();
            Path archive = archive(command.contains("--cluster-dir=") ? "controller" : "instance");
            assertThat(command).contains("-Xmx64m", "-XX:MaxMetaspaceSize=64m", "-XX:SharedArchiveFile=" + archive,
                    "-cp " + DAEMON_JAR + " ");
            assertThat(Files.readString(Path.of("/proc", Long.toString(daemon.pid()), "maps")))
                    .as("memory map of %s", command).contains(archive.toString());
            String own = command.contains("--cluster-dir=") ? "ControllerCommand" : "InstanceCommand";
            assertThat(loadedClasses(daemon)).as("classes of %s", command)
                    .contains("io.pgset.cli." + own)
                    .doesNotContain("io.pgset.cli.UpCommand", "io.pgset.cli.OperatorCommand", "io.pgset.cli.DashboardCommand")
                    // the daemons' JSON and YAML go through jackson-core alone (io.pgset.core.json)
                    .doesNotContain("com.fasterxml.jackson.databind.", "io.fabric8.")
                    // their command line is read without picocli (DaemonCommandLine)
                    .doesNotContain("picocli.");
        }
        assertThat(launch("delete", "demo", "--volumes").exit()).isZero();
    }

    private record Run(int exit, String out) {}

    private static Path archive(String role) {
        return TARGET.resolve("pgset-daemon-" + role + ".jsa");
    }

    /** The classes a JVM has loaded, one a line, as jcmd lists them. */
    private static String loadedClasses(ProcessHandle jvm) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(jvm.pid()), "VM.class_hierarchy")
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(out).isZero();
        return out;
    }

    private Run launch(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString(), "--home", home.dir.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), out);
    }
}
