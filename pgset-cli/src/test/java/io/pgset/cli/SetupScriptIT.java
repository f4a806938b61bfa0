package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/setup on this machine, which has everything installed: it installs nothing. Without root and
 * with tools missing (a PATH that hides them), it refuses and names the packages. A fake apt-get
 * first on the PATH records any call, so "installs nothing" is checked, not assumed.
 */
class SetupScriptIT {

    private static final Path SCRIPT = Path.of("..", "bin", "setup").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void onAMachineWithEverythingInstalledSetupInstallsNothingAndSucceeds() throws Exception {
        Path fakes = fakeAptGet();
        Run run = run(List.of("env", "PATH=" + fakes + ":" + System.getenv("PATH"), SCRIPT.toString()));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("setup: everything pgset needs is installed").doesNotContain("installing");
        assertThat(fakes.resolve("apt-get.called")).doesNotExist();
    }

    @Test
    void withoutRootAndWithToolsMissingSetupRefusesAndNamesThePackages() throws Exception {
        assumeThat(System.getProperty("user.name")).as("needs root to become nobody").isEqualTo("root");
        Path fakes = fakeAptGet();
        Run run = asNobodyWithBashAndAwkOnly(fakes);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output()).contains("setup: missing:", "pgbackrest", "maven", "openjdk-17-jdk-headless",
                "installing needs root: run 'sudo bin/setup'").doesNotContain("chromium");
        assertThat(fakes.resolve("apt-get.called")).doesNotExist();
    }

    @Test
    void withE2eSetupAlsoNamesTheBrowserTheDashboardTestDrives() throws Exception {
        assumeThat(System.getProperty("user.name")).as("needs root to become nobody").isEqualTo("root");
        Path fakes = fakeAptGet();
        Run run = asNobodyWithBashAndAwkOnly(fakes, "--e2e");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output()).contains("setup: missing:", "chromium: no chromium",
                "chromium-driver: no chromedriver", "apt-get install ");
        assertThat(fakes.resolve("apt-get.called")).doesNotExist();
    }

    /** bin/setup as nobody with a PATH of {@code fakes} holding only bash and awk: every other tool seems missing. */
    private static Run asNobodyWithBashAndAwkOnly(Path fakes, String... args) throws Exception {
        Files.createSymbolicLink(fakes.resolve("bash"), Path.of("/usr/bin/bash"));
        Files.createSymbolicLink(fakes.resolve("awk"), Path.of("/usr/bin/awk"));
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "env", "PATH=" + fakes, "bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    /** A directory whose apt-get only records that it was called. */
    private Path fakeAptGet() throws IOException {
        Path fakes = Files.createDirectory(dir.resolve("bin"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(fakes, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path aptGet = fakes.resolve("apt-get");
        Files.writeString(aptGet, "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/apt-get.called\"\nexit 1\n");
        Files.setPosixFilePermissions(aptGet, PosixFilePermissions.fromString("rwxr-xr-x"));
        return fakes;
    }

    private record Run(int exit, String output) {}

    private static Run run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bin/setup ends").isTrue();
        return new Run(process.exitValue(), output);
    }
}
