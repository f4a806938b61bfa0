package io.pgset.local;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.SchedulingSpec;
import io.pgset.core.model.ServicesSpec;
import io.pgset.core.spec.Cidr;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** What {@code up} and {@code apply} warn about in a valid spec that may not do what its author wants. */
final class SpecWarnings {

    private SpecWarnings() {}

    static void print(PrintStream out, ClusterSpec spec) {
        if (!spec.tls().enabled()) {
            out.println("WARNING: cluster " + spec.name() + " runs without TLS (spec.tls.enabled: false): passwords are"
                    + " still SCRAM, but queries, results and replication cross the network unencrypted and"
                    + " unauthenticated. Use this for local experiments only.");
        }
        // The services see every client on this machine as 127.0.0.1; without it, network.allow shuts
        // them all out (the instances themselves still replicate: they connect directly).
        if (!Cidr.contains(spec.network().allow(), loopback())) {
            out.println("WARNING: spec.network.allow (" + String.join(", ", spec.network().allow()) + ") of cluster "
                    + spec.name() + " does not include " + Ports.LOOPBACK + ", the address every client on this"
                    + " machine reaches the rw and ro services from: psql, `pgset psql`, `pgset drill` and local"
                    + " applications will be refused. Add \"" + Ports.LOOPBACK + "/32\" to keep them.");
        }
        List<String> ignored = kubernetesOnly(spec);
        if (!ignored.isEmpty()) {
            out.println("WARNING: " + String.join(", ", ignored) + " of cluster " + spec.name() + " only take effect on"
                    + " Kubernetes: the local runtime keeps every instance's data in a directory on this machine and"
                    + " serves rw on a loopback port, and ignores them.");
        }
    }

    /** The fields only the operator acts on, when the spec sets them. */
    static List<String> kubernetesOnly(ClusterSpec spec) {
        List<String> fields = new ArrayList<>();
        if (!spec.storage().storageClass().isEmpty()) {
            fields.add("spec.storage.storageClass");
        }
        if (!spec.scheduling().equals(SchedulingSpec.NONE)) {
            fields.add("spec.scheduling");
        }
        if (!spec.services().equals(ServicesSpec.DEFAULT)) {
            fields.add("spec.services");
        }
        return fields;
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName(Ports.LOOPBACK);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a literal loopback address must parse", e);
        }
    }
}
