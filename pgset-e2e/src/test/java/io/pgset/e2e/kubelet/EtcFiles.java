package io.pgset.e2e.kubelet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The /etc files a pod sees in place of its image's: a passwd and group that name the pod's user
 * {@code postgres} (initdb and postgres look their user up, and a pod's runAsUser need not be the
 * image's), a hosts file with the pods of its namespace under their headless-Service names, and a
 * resolv.conf.
 */
final class EtcFiles {

    private EtcFiles() {
    }

    /** The image's passwd without entries for {@code user} or its uid, then the pod's entry for it. */
    static String passwd(String imagePasswd, String user, long uid, long gid, String home) {
        List<String> lines = new ArrayList<>();
        for (String line : imagePasswd.split("\n")) {
            String[] fields = line.split(":", -1);
            if (fields.length > 2 && !fields[0].equals(user) && !fields[2].equals(String.valueOf(uid))) {
                lines.add(line);
            }
        }
        lines.add(user + ":x:" + uid + ":" + gid + "::" + home + ":/bin/sh");
        return String.join("\n", lines) + "\n";
    }

    /** The image's group file without entries for {@code group} or its gid, then the pod's entry. */
    static String group(String imageGroup, String group, long gid) {
        List<String> lines = new ArrayList<>();
        for (String line : imageGroup.split("\n")) {
            String[] fields = line.split(":", -1);
            if (fields.length > 2 && !fields[0].equals(group) && !fields[2].equals(String.valueOf(gid))) {
                lines.add(line);
            }
        }
        lines.add(group + ":x:" + gid + ":");
        return String.join("\n", lines) + "\n";
    }

    /**
     * A pod's resolv.conf (dnsPolicy ClusterFirst's search path). There is no cluster DNS: names
     * resolve from the hosts file, and the name server is the pod's own loopback, where nothing
     * listens, so a lookup that misses fails at once instead of waiting on a server the pod
     * cannot reach (the JDK's HTTPS server looks up every client's address).
     */
    static String resolvConf(String namespace) {
        return "search " + namespace + ".svc.cluster.local svc.cluster.local cluster.local\n"
                + "nameserver 127.0.0.1\noptions ndots:5 timeout:1 attempts:1\n";
    }

    /**
     * localhost, then one line per pod that has an address and a host name in a subdomain (the
     * StatefulSet's pods: {@code demo-0.demo.ns.svc.cluster.local demo-0.demo.ns.svc demo-0.demo.ns demo-0}).
     *
     * @param pods host name and subdomain of each pod, keyed by its address
     */
    static String hosts(String namespace, Map<String, PodName> pods) {
        StringBuilder hosts = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        pods.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(pod -> {
            String host = pod.getValue().hostname();
            String sub = pod.getValue().subdomain();
            String fqdn = sub == null ? host : host + "." + sub + "." + namespace;
            hosts.append(pod.getKey()).append('\t');
            if (sub != null) {
                hosts.append(fqdn).append(".svc.cluster.local ").append(fqdn).append(".svc ").append(fqdn).append(' ');
            }
            hosts.append(host).append('\n');
        });
        return hosts.toString();
    }

    /** A pod's host name and, when it has one, its subdomain (the governing Service). */
    record PodName(String hostname, String subdomain) {
    }
}
