package io.pgset.e2e.kubelet;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pod network of one test run: a bridge with an address of this machine (the "node"), and one
 * network namespace per pod, joined to the bridge by a veth pair, with its own address from a /24
 * that no interface of this machine uses yet. Processes in the host namespace (the operator, the
 * test) reach pod addresses through the bridge; pods reach the API server at the bridge address.
 *
 * <p>Names carry this JVM's pid, so concurrent runs never collide, and a run finds and removes the
 * leftovers of runs whose JVM is gone (killed before its shutdown hook ran).
 */
public final class PodNetwork implements AutoCloseable {

    private static final String PREFIX = "pgs";
    private static final Pattern OWNED = Pattern.compile(PREFIX + "[bn](\\d+)");

    private final long pid = ProcessHandle.current().pid();
    private final String bridge = PREFIX + "b" + pid;
    private final int subnet;
    private final BitSet used = new BitSet(256);
    private final List<Sandbox> sandboxes = new ArrayList<>();

    /** One pod's network namespace and address. */
    record Sandbox(String namespace, String address) {
    }

    private PodNetwork(int subnet) {
        this.subnet = subnet;
    }

    /** Creates the bridge; fails with what to do when this process may not (not root, no ip). */
    public static PodNetwork create() {
        requireRoot();
        removeLeftoversOfDeadRuns();
        PodNetwork network = new PodNetwork(freeSubnet());
        try {
            Host.run("ip", "link", "add", network.bridge, "type", "bridge");
            Host.run("ip", "addr", "add", network.nodeAddress() + "/24", "dev", network.bridge);
            Host.run("ip", "link", "set", network.bridge, "up");
            return network;
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /** The bridge's address: where pods reach this machine (and the API server). */
    public String nodeAddress() {
        return address(1);
    }

    /** A new network namespace with its own address on the bridge, loopback up, default route via the node. */
    synchronized Sandbox create(String podName) {
        int host = used.nextClearBit(2);
        if (host > 254) {
            throw new IllegalStateException("process kubelet: no pod address left in " + address(0) + "/24");
        }
        used.set(host);
        String namespace = PREFIX + "n" + pid + "-" + host;
        String hostSide = PREFIX + "v" + pid + "-" + host;
        Sandbox sandbox = new Sandbox(namespace, address(host));
        sandboxes.add(sandbox);
        try {
            Host.run("ip", "netns", "add", namespace);
            // The kernel destroys a deleted namespace, and the veth pair in it, in the background: the
            // pair of the pod that last had this address may still be there. Deleting one end ends both.
            Host.tryRun(List.of("ip", "link", "del", hostSide));
            Host.run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", namespace);
            Host.run("ip", "link", "set", hostSide, "master", bridge, "up");
            // The MAC follows from the address, as Docker's bridge does: an address given again (a
            // StatefulSet's pod made again) keeps its MAC, so the other pods' neighbour caches stay right.
            // With a new MAC they went on sending to the old one for their reachable time (up to 45 s).
            Host.run("ip", "-n", namespace, "link", "set", "eth0", "address", mac(host));
            Host.run("ip", "-n", namespace, "addr", "add", sandbox.address() + "/24", "dev", "eth0");
            Host.run("ip", "-n", namespace, "link", "set", "eth0", "up");
            Host.run("ip", "-n", namespace, "link", "set", "lo", "up");
            Host.run("ip", "-n", namespace, "route", "add", "default", "via", nodeAddress());
            return sandbox;
        } catch (RuntimeException e) {
            remove(sandbox);
            throw new IllegalStateException("process kubelet: cannot give pod " + podName + " a network: "
                    + e.getMessage(), e);
        }
    }

    /** Removes the namespace (and with it the veth pair); its address may be given again. */
    synchronized void remove(Sandbox sandbox) {
        if (sandboxes.remove(sandbox)) {
            Host.tryRun(List.of("ip", "netns", "del", sandbox.namespace()));
            used.clear(Integer.parseInt(sandbox.address().substring(sandbox.address().lastIndexOf('.') + 1)));
        }
    }

    @Override
    public synchronized void close() {
        for (Sandbox sandbox : List.copyOf(sandboxes)) {
            remove(sandbox);
        }
        Host.tryRun(List.of("ip", "link", "del", bridge));
    }

    /** A locally administered MAC holding the pod's IPv4 address: 02:42 then 10.244.N.host. */
    private String mac(int host) {
        return String.format("02:42:0a:f4:%02x:%02x", subnet, host);
    }

    private String address(int host) {
        return "10.244." + subnet + "." + host;
    }

    private static void requireRoot() {
        Host.Result id = Host.tryRun(List.of("id", "-u"));
        if (!"0".equals(id.output().strip())) {
            throw new IllegalStateException("process kubelet: pods need network and mount namespaces, which only"
                    + " root may create; run the *E2E tests as root (uid is " + id.output().strip() + ")");
        }
        if (Host.tryRun(List.of("ip", "-V")).exitCode() != 0 || Host.tryRun(List.of("unshare", "-V")).exitCode() != 0) {
            throw new IllegalStateException("process kubelet: needs `ip` (iproute2) and `unshare` (util-linux);"
                    + " install them with bin/setup --e2e");
        }
    }

    /** A 10.244.N.0/24 that no interface of this machine has an address in, starting from this pid's. */
    private static int freeSubnet() {
        String addresses = Host.run("ip", "-o", "-4", "addr", "show");
        long start = ProcessHandle.current().pid();
        for (int i = 0; i < 250; i++) {
            int candidate = (int) ((start + i) % 250) + 1;
            if (!addresses.contains(" 10.244." + candidate + ".")) {
                return candidate;
            }
        }
        throw new IllegalStateException("process kubelet: every 10.244.N.0/24 is in use on this machine");
    }

    private static void removeLeftoversOfDeadRuns() {
        for (String line : Host.run("ip", "netns", "list").split("\n")) {
            String name = line.split(" ")[0];
            if (deadRun(name)) {
                Host.tryRun(List.of("ip", "netns", "del", name));
            }
        }
        for (String line : Host.run("ip", "-o", "link", "show", "type", "bridge").split("\n")) {
            String[] fields = line.split(": ");
            if (fields.length > 1 && deadRun(fields[1].split("@")[0])) {
                Host.tryRun(List.of("ip", "link", "del", fields[1]));
            }
        }
    }

    private static boolean deadRun(String name) {
        Matcher matcher = OWNED.matcher(name);
        if (!matcher.lookingAt()) {
            return false;
        }
        return ProcessHandle.of(Long.parseLong(matcher.group(1))).map(p -> !p.isAlive()).orElse(true);
    }
}
