package io.pgset.instance;

import java.util.List;
import java.util.Map;

/**
 * The JVM flags and environment of a small, long-lived supervisor whose live heap is about 5 MB:
 * the local runtime's controller and instance managers ({@code DaemonJvm}, which adds the
 * class-data archive), and the instance manager in each Kubernetes pod (through
 * {@code JAVA_TOOL_OPTIONS}, which the pod's JVM reads before the image's own).
 *
 * <ul>
 *   <li>The heap starts at 5 MB and may grow to 64 MB, with a young generation of 1 MB: every page of
 *       the young generation becomes resident, and a supervisor's young collections are cheap (an
 *       idle controller, which allocates about 3 MB a second answering and polling, collects three
 *       times a second, under a millisecond each; with 2 MB it did half as often for 0.9 MiB more
 *       resident memory). The serial collector grows the old generation only as the live data (about
 *       5 MB) needs and gives memory back when it shrinks. In a pod this leaves the rest of the container's memory to postgres, where
 *       the image's default allowed the JVM a quarter of it.</li>
 *   <li>Metaspace, code cache and direct buffers are bounded at about three times what a running
 *       instance manager uses (without the archive, as in a pod, its metaspace is about 24 MB), so a
 *       leak ends in an error that names it rather than in swap or the OOM killer.</li>
 *   <li>One C1 compiler thread, no profiling tiers, and methods compiled after four times the usual
 *       number of calls: less code in the code cache, and nothing a supervisor would notice.</li>
 *   <li>Reflective calls stay native: by default the JDK writes a class (with a class loader of its
 *       own) for each method called reflectively more than 15 times, and the JSON of the APIs and
 *       state files reads and writes records reflectively ({@code RecordJson}), which made 60 to 100
 *       such classes in each daemon.</li>
 *   <li>No performance-data file in /tmp; JVM warnings go to standard error, never stdout.</li>
 *   <li>glibc gives each thread that allocates its own malloc arena; two are plenty.</li>
 * </ul>
 */
public final class SupervisorJvm {

    public static final List<String> FLAGS = List.of(
            "-Xms5m", "-Xmx64m", "-Xmn1m", "-Xss512k",
            "-XX:+UseSerialGC", "-XX:MaxHeapFreeRatio=40", "-XX:MinHeapFreeRatio=15",
            "-XX:MaxMetaspaceSize=64m", "-XX:ReservedCodeCacheSize=16m", "-XX:MaxDirectMemorySize=16m",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:CompileThresholdScaling=4",
            "-XX:-UsePerfData", "-Dsun.reflect.inflationThreshold=" + Integer.MAX_VALUE,
            "-Xlog:disable", "-Xlog:all=warning:stderr");

    public static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    private SupervisorJvm() {}
}
