package io.pgset.kubernetes.image;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What deploy/Dockerfile says about running its image, as e2e/rootfs/build.sh wrote it beside the
 * root filesystem ({@code image.env}, one {@code KEY=value} a line): where the jar goes, the ENV,
 * USER, WORKDIR, ENTRYPOINT and CMD.
 *
 * @param jar        where the image has pgset.jar (the Dockerfile's COPY destination)
 * @param env        the image's environment, in the Dockerfile's order
 * @param user       {@code uid:gid} the container runs as
 * @param entrypoint the Dockerfile's ENTRYPOINT, exec form
 * @param cmd        the Dockerfile's CMD, exec form
 */
public record ImageConfig(Path jar, Map<String, String> env, String user, Path workdir, List<String> entrypoint,
                          List<String> cmd) {

    private static final String ENV_PREFIX = "ENV_";

    static ImageConfig read(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int equals = line.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String key = line.substring(0, equals);
            String value = line.substring(equals + 1);
            if (key.startsWith(ENV_PREFIX)) {
                env.put(key.substring(ENV_PREFIX.length()), value);
            } else {
                values.put(key, value);
            }
        }
        return new ImageConfig(Path.of(required(values, "JAR", file)), Map.copyOf(env), required(values, "USER", file),
                Path.of(required(values, "WORKDIR", file)), execForm(required(values, "ENTRYPOINT", file), file),
                execForm(required(values, "CMD", file), file));
    }

    private static String required(Map<String, String> values, String key, Path file) {
        String value = values.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(file + " has no " + key + ": deploy/Dockerfile must set it, and"
                    + " e2e/rootfs/build.sh write it; rebuild with e2e/rootfs/build.sh");
        }
        return value;
    }

    private static List<String> execForm(String json, Path file) throws IOException {
        try {
            return new ObjectMapper().readValue(json, new TypeReference<List<String>>() {});
        } catch (IOException e) {
            throw new IOException(file + ": '" + json + "' is not the exec (JSON array) form deploy/Dockerfile uses", e);
        }
    }
}
