package io.pgset.instance;

import io.pgset.core.control.InstanceClient;
import io.pgset.core.control.PodState;
import io.pgset.core.model.BackupReport;
import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.core.model.InstanceStatus;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The controller's view of instance managers over their HTTPS API, wherever they run: the
 * runtime decides only how to reach them (which token, which CA, which host).
 */
public final class ApiInstanceClient implements InstanceClient {

    private final InstanceHttpClient http;
    private final Optional<String> spec;

    /** Reloads make the instances read their spec file again. */
    public ApiInstanceClient(InstanceHttpClient http) {
        this(http, Optional.empty());
    }

    /** @param spec handed over with each reload, to be loaded instead of the spec file (which may lag behind) */
    public ApiInstanceClient(InstanceHttpClient http, Optional<String> spec) {
        this.http = http;
        this.spec = spec;
    }

    @Override
    public InstanceStatus status(PodState pod) {
        return http.status(pod.name(), pod.host(), pod.apiPort());
    }

    @Override
    public void ensureSlots(PodState primary, List<String> slots) throws IOException {
        http.ensureSlots(primary.host(), primary.apiPort(), slots);
    }

    @Override
    public void promote(PodState pod) throws IOException {
        http.promote(pod.host(), pod.apiPort());
    }

    @Override
    public String demote(PodState primary, PodState newPrimary) throws IOException {
        return http.demote(primary.host(), primary.apiPort(), newPrimary.host(), newPrimary.port());
    }

    @Override
    public void follow(PodState pod, PodState primary) throws IOException {
        http.follow(pod.host(), pod.apiPort(), primary.host(), primary.port());
    }

    @Override
    public void reload(PodState pod) throws IOException {
        http.reload(pod.host(), pod.apiPort(), spec);
    }

    @Override
    public void restart(PodState pod) throws IOException {
        http.restart(pod.host(), pod.apiPort());
    }

    @Override
    public BackupReport startBackup(PodState primary, BackupType type, int repo) throws IOException, BackupRefused {
        return http.startBackup(primary.host(), primary.apiPort(), type, repo);
    }

    @Override
    public Optional<BackupReport> lastBackup(PodState pod) throws IOException {
        return http.lastBackup(pod.host(), pod.apiPort());
    }
}
