package io.pgset.kubernetes.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The pgset image's root filesystem as e2e/rootfs/build.sh builds it from deploy/Dockerfile (debootstrap
 * and the Dockerfile's RUN instructions), without the jar, which {@link ChrootCommand} mounts. The
 * script itself answers where it is (the cache folder, keyed by what it is built from, is computed
 * in one place).
 *
 * @param root  the root filesystem (read-only for its users: {@link ChrootCommand} lays a writable layer over it)
 * @param image what the Dockerfile says about running it
 */
public record RootFilesystem(Path root, ImageConfig image) {

    /** The build script, from a module's folder (where Maven runs tests). */
    private static final Path BUILD_SCRIPT = Path.of("..", "e2e", "rootfs", "build.sh");

    /**
     * The built root filesystem.
     *
     * @throws IllegalStateException saying why there is none and how to build it
     */
    public static RootFilesystem locate() throws IOException, InterruptedException {
        Path directory = directory();
        Optional<String> missing = missing(directory);
        if (missing.isPresent()) {
            throw new IllegalStateException(missing.get());
        }
        return new RootFilesystem(directory.resolve("rootfs"), ImageConfig.read(directory.resolve("image.env")));
    }

    /** Why there is no built root filesystem in {@code directory}; empty when there is one. */
    static Optional<String> missing(Path directory) {
        String build = "; the *E2E tests need the image's root filesystem that `bin/setup --e2e` builds (or run "
                + BUILD_SCRIPT.toAbsolutePath().normalize() + " as root)";
        if (!Files.isDirectory(directory)) {
            return Optional.of("no image root filesystem in " + directory + " (deploy/Dockerfile or the script"
                    + " changed since the last build, or it never ran)" + build);
        }
        if (!Files.isRegularFile(directory.resolve("image.env")) || !Files.isExecutable(directory.resolve("rootfs/bin/sh"))) {
            return Optional.of(directory + " holds no complete root filesystem (no image.env or rootfs/bin/sh)" + build);
        }
        return Optional.empty();
    }

    /** Where a path of the image is in the root filesystem. */
    public Path resolve(String pathInImage) {
        return root.resolve(pathInImage.startsWith("/") ? pathInImage.substring(1) : pathInImage);
    }

    /**
     * {@code pathInImage} with the image's symbolic links on its way resolved inside the image, as a
     * container runtime resolves a mount point: in Debian /var/run is a link to /run, so a volume
     * at /var/run/postgresql goes to /run/postgresql of the image, never to this machine's /run.
     */
    public String resolveLinks(String pathInImage) throws IOException {
        Deque<String> todo = new ArrayDeque<>(Arrays.asList(pathInImage.split("/")));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pollFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            Path here = root.resolve(String.join("/", done)).resolve(part);
            if (!Files.isSymbolicLink(here)) {
                done.add(part);
                continue;
            }
            if (++links > 40) {
                throw new IOException(pathInImage + ": too many levels of symbolic links in the image at " + here);
            }
            String target = Files.readSymbolicLink(here).toString();
            if (target.startsWith("/")) {
                done.clear();
            }
            List<String> parts = Arrays.asList(target.split("/"));
            for (int i = parts.size() - 1; i >= 0; i--) {
                todo.addFirst(parts.get(i));
            }
        }
        return "/" + String.join("/", done);
    }

    private static Path directory() throws IOException, InterruptedException {
        Path script = BUILD_SCRIPT.toAbsolutePath().normalize();
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("no " + script + ": run the tests from a module folder of the pgset repository");
        }
        Process process = new ProcessBuilder("bash", script.toString(), "--print-dir")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || out.isEmpty()) {
            process.destroyForcibly();
            throw new IllegalStateException(script + " --print-dir failed");
        }
        return Path.of(out);
    }
}
