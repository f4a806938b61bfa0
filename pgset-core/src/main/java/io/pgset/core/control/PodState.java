package io.pgset.core.control;

/**
 * An instance as its runtime sees it, before asking the instance anything.
 *
 * @param running the instance process (or pod) exists and has not ended
 * @param pid     the instance process's pid where the runtime has one, else 0
 */
public record PodState(String name, int ordinal, boolean running, long pid, String host, int port, int apiPort) {}
