package io.pgset.local;

import io.pgset.core.model.ClusterStatus;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/** Prints what changed since the last status: instances becoming ready, and what the cluster waits for. */
final class Progress {

    private final PrintStream out;
    private final String cluster;
    private final Map<String, String> shown = new HashMap<>();
    private String lastMessage = "";
    private final long start = System.nanoTime();

    Progress(PrintStream out, String cluster) {
        this.out = out;
        this.cluster = cluster;
    }

    void show(ClusterStatus status) {
        for (ClusterStatus.PodStatus pod : status.pods()) {
            String state = pod.ready() ? "ready (" + pod.role() + ")" : "starting";
            if (!state.equals(shown.put(pod.name(), state))) {
                line(pod.name() + " " + state);
            }
        }
        shown.keySet().removeIf(name -> status.pods().stream().noneMatch(p -> p.name().equals(name))
                && report(name + " removed"));
        if (!status.message().isEmpty() && !status.message().equals(lastMessage)) {
            line(status.message());
        }
        lastMessage = status.message();
    }

    private boolean report(String what) {
        line(what);
        return true;
    }

    private void line(String what) {
        out.printf("  [%5.1fs] %s: %s%n", (System.nanoTime() - start) / 1e9, cluster, what);
    }
}
