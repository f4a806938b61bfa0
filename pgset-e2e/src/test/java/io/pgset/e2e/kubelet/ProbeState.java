package io.pgset.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * When one probe of a container is due and what its results add up to: it first runs after
 * initialDelaySeconds, then every periodSeconds; it has passed after successThreshold successes in
 * a row and failed after failureThreshold failures in a row (Kubernetes' defaults: 10 s, 1, 3).
 */
final class ProbeState {

    enum Outcome { NOT_DUE, UNDECIDED, PASSED, FAILED }

    private Probe probe;
    private Instant due;
    private int successes;
    private int failures;

    void reset(Probe probe, Instant now) {
        this.probe = probe;
        this.due = probe == null ? Instant.MAX : now.plusSeconds(orDefault(probe.getInitialDelaySeconds(), 0));
        successes = 0;
        failures = 0;
    }

    Outcome runIfDue(Instant now, BooleanSupplier check) {
        if (probe == null || now.isBefore(due)) {
            return Outcome.NOT_DUE;
        }
        due = now.plus(Duration.ofSeconds(orDefault(probe.getPeriodSeconds(), 10)));
        if (check.getAsBoolean()) {
            failures = 0;
            successes++;
            return successes >= orDefault(probe.getSuccessThreshold(), 1) ? Outcome.PASSED : Outcome.UNDECIDED;
        }
        successes = 0;
        failures++;
        return failures >= orDefault(probe.getFailureThreshold(), 3) ? Outcome.FAILED : Outcome.UNDECIDED;
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
