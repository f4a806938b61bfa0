package io.pgset.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Chooses ports to keep for life. They come from 20000-32767, below Linux's ephemeral range
 * (32768-60999), so that the kernel never lends a kept port to an outgoing connection while its
 * instance is stopped; and never one that another cluster in the same PGSET_HOME keeps.
 */
final class PortPicker {

    private static final int LOW = 20000;
    private static final int HIGH = 32767;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The files that keep ports: an instance's {"postgres": p, "api": p}, a cluster's {"rw": p, "ro": p}. */
    private static final Set<String> KEPT_IN = Set.of("ports.json", "services.json");

    private PortPicker() {}

    static synchronized int pick(Path pgsetHome) throws IOException {
        Set<Integer> kept = keptPorts(pgsetHome);
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = LOW + RANDOM.nextInt(HIGH - LOW + 1);
            if (!kept.contains(port) && Ports.isFree(port)) {
                kept.add(port);
                return port;
            }
        }
        throw new IOException("no free loopback port between " + LOW + " and " + HIGH + " (pgset keeps its ports"
                + " in that range, for life; " + kept.size() + " of them are kept by clusters in " + pgsetHome
                + ", the others are in use): delete clusters you no longer need (`pgset delete NAME --volumes`)"
                + " or stop what listens on those ports");
    }

    /** Every port recorded in any cluster's ports.json or services.json under this home. */
    static Set<Integer> keptPorts(Path pgsetHome) throws IOException {
        Set<Integer> ports = new HashSet<>();
        Path clusters = pgsetHome.resolve("clusters");
        if (!Files.isDirectory(clusters)) {
            return ports;
        }
        try (Stream<Path> files = Files.walk(clusters, 4)) {
            for (Path f : files.filter(p -> KEPT_IN.contains(p.getFileName().toString())).toList()) {
                Json.read(f).ifPresent(node -> node.forEach(value -> {
                    if (value.canConvertToInt()) {
                        ports.add(value.intValue());
                    }
                }));
            }
        }
        return ports;
    }
}
