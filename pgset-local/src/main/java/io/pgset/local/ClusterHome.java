package io.pgset.local;

import java.nio.file.Path;

/**
 * Where one local cluster keeps its state under {@code $PGSET_HOME/clusters/<name>/}.
 *
 * <pre>
 * spec.yaml          the applied spec
 * controller.json    the controller's pid and API port
 * controller.stopped present while down or delete keeps the controller stopped
 * haproxy/           the HAProxy serving rw and ro: configuration, pid, log, master CLI socket
 * state.json         what must survive the controller: the last known primary
 * services.json      the rw and ro ports, chosen once
 * secrets/           0700; passwords, API token, pgpass (files 0600)
 * volumes/data-&lt;pod&gt;/   an instance's volume
 * pods/&lt;pod&gt;/        pid, ports.json, log
 * events.log         what the controller did and why
 * </pre>
 */
public record ClusterHome(Path dir, String name) {

    public static ClusterHome of(Path pgsetHome, String name) {
        return new ClusterHome(pgsetHome.resolve("clusters").resolve(name), name);
    }

    public Path spec() {
        return dir.resolve("spec.yaml");
    }

    /** The spec applied before the current one, kept so that a rollout can be undone by applying it. */
    public Path previousSpec() {
        return dir.resolve("spec.previous.yaml");
    }

    public Path controllerFile() {
        return dir.resolve("controller.json");
    }

    /**
     * Present while the controller is stopped on purpose ({@code down}, {@code delete}): instance
     * managers start a dead controller again only when it is absent.
     */
    public Path controllerStopped() {
        return dir.resolve("controller.stopped");
    }

    public Path controllerLock() {
        return dir.resolve("controller.lock");
    }

    /** Held while a command changes the cluster's files, so that two {@code up}s cannot interleave. */
    public Path changeLock() {
        return dir.resolve("change.lock");
    }

    public Path state() {
        return dir.resolve("state.json");
    }

    public Path services() {
        return dir.resolve("services.json");
    }

    /** The local sockets on which the controller and the instances serve their APIs to pgset's own processes. */
    public io.pgset.instance.LocalApiSockets apiSockets() {
        return new io.pgset.instance.LocalApiSockets(dir.resolve("sockets"));
    }

    public Path secrets() {
        return dir.resolve("secrets");
    }

    public Path volumes() {
        return dir.resolve("volumes");
    }

    public Path volume(String pod) {
        return volumes().resolve("data-" + pod);
    }

    /** The default posix backup repository: one directory per system identifier below it. */
    public Path backups() {
        return dir.resolve("backups");
    }

    public Path pods() {
        return dir.resolve("pods");
    }

    public Path pod(String pod) {
        return pods().resolve(pod);
    }

    public Path podPid(String pod) {
        return pod(pod).resolve("pid");
    }

    public Path podPorts(String pod) {
        return pod(pod).resolve("ports.json");
    }

    public Path podLog(String pod) {
        return pod(pod).resolve("log");
    }

    public Path controllerLog() {
        return dir.resolve("controller.log");
    }

    public Path events() {
        return dir.resolve("events.log");
    }
}
