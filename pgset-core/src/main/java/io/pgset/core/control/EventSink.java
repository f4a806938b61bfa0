package io.pgset.core.control;

/** Where the controller says what it did and why (the local events.log, Kubernetes Events). */
@FunctionalInterface
public interface EventSink {
    void record(String message);
}
