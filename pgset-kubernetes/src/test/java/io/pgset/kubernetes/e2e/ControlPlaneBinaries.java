package io.pgset.kubernetes.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where e2e/controlplane/build.sh put etcd, kube-apiserver and kube-controller-manager, and which
 * Kubernetes release they are. The script itself answers where (so the cache folder is computed in
 * one place); its {@code versions} file says which release.
 */
record ControlPlaneBinaries(Path directory, String kubernetesVersion) {

    private static final Path BUILD_FOLDER = Path.of("..", "e2e", "controlplane");

    static ControlPlaneBinaries built() throws IOException, InterruptedException {
        Path script = BUILD_FOLDER.resolve("build.sh").toAbsolutePath().normalize();
        Path directory = Path.of(run(script, "--print-dir"));
        ControlPlaneBinaries binaries = new ControlPlaneBinaries(directory, version("KUBERNETES_VERSION"));
        for (String name : List.of("etcd", "kube-apiserver", "kube-controller-manager")) {
            if (!Files.isExecutable(binaries.path(name))) {
                throw new IllegalStateException("no " + name + " in " + directory + ": the *E2E tests need the"
                        + " control plane that `bin/setup --e2e` builds (or run " + script + ")");
            }
        }
        return binaries;
    }

    Path path(String name) {
        return directory.resolve(name);
    }

    private static String version(String key) throws IOException {
        return Files.readAllLines(BUILD_FOLDER.resolve("versions")).stream()
                .filter(line -> line.startsWith(key + "="))
                .map(line -> line.substring(key.length() + 1).trim())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + key + " in " + BUILD_FOLDER.resolve("versions")));
    }

    private static String run(Path script, String argument) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", script.toString(), argument)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || out.isEmpty()) {
            process.destroyForcibly();
            throw new IllegalStateException(script + " " + argument + " failed");
        }
        return out;
    }
}
