package io.pgset.e2e.kubelet;

/**
 * What the kubelet knows of one container at a moment, for its containerStatuses entry: exactly
 * one of waiting ({@code waitingReason}), running ({@code runningSince}) or terminated
 * ({@code exitCode}) holds.
 */
record ContainerView(String name, String image, String containerId, int restartCount, boolean started,
                     boolean ready, String waitingReason, String waitingMessage, String runningSince,
                     Integer exitCode, String terminatedSince, Integer lastExitCode) {

    static ContainerView waiting(String name, String image, int restartCount, String reason, String message,
                                 Integer lastExitCode) {
        return new ContainerView(name, image, null, restartCount, false, false, reason, message, null, null, null,
                lastExitCode);
    }

    static ContainerView running(String name, String image, String containerId, int restartCount, String since,
                                 boolean started, boolean ready, Integer lastExitCode) {
        return new ContainerView(name, image, containerId, restartCount, started, ready, null, null, since, null, null,
                lastExitCode);
    }

    static ContainerView terminated(String name, String image, String containerId, int restartCount, int exitCode,
                                    String since) {
        return new ContainerView(name, image, containerId, restartCount, false, false, null, null, null, exitCode,
                since, null);
    }
}
