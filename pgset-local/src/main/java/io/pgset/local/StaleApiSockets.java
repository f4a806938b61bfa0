package io.pgset.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The API sockets in a cluster's {@code sockets/} that no server will take again: each instance
 * keeps its API port for life (its {@code ports.json}), so its socket is replaced by its next
 * start, but each controller listens on a port of its own, and one that was killed left its socket
 * behind (and, killed while it started, a socket under its private name, a dot before the port:
 * see {@code UnixApiServer.privatePath}). A new controller removes those before it serves, so that
 * they do not pile up.
 */
final class StaleApiSockets {

    private StaleApiSockets() {}

    /**
     * Removes every socket file but the instances' and {@code ownPort}'s, under either name.
     *
     * @return the files removed
     */
    static List<Path> remove(ClusterHome home, int ownPort) throws IOException {
        Path dir = home.apiSockets().dir();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        Set<String> kept = new HashSet<>(Set.of(Integer.toString(ownPort)));
        if (Files.isDirectory(home.pods())) {
            try (Stream<Path> pods = Files.list(home.pods())) {
                pods.forEach(pod -> LocalRuntime.PortPair.read(pod.resolve("ports.json"))
                        .ifPresent(ports -> kept.add(Integer.toString(ports.api()))));
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> stale = files.filter(f -> f.getFileName().toString().matches("\\.?[0-9]{1,5}"))
                    .filter(f -> !kept.contains(f.getFileName().toString().replace(".", "")))
                    .filter(f -> !Files.isDirectory(f, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .toList();
            for (Path f : stale) {
                Files.deleteIfExists(f);
            }
            return stale;
        }
    }
}
