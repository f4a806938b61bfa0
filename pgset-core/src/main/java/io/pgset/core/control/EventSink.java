package io.pgset.core.control;

/** Where the controller tells what it decided and why (an events log, Kubernetes Events). */
@FunctionalInterface
public interface EventSink {
    void record(Event event);
}
