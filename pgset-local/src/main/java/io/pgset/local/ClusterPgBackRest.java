package io.pgset.local;

import io.pgset.core.config.PgBackRestConfRenderer;
import io.pgset.core.model.BackupSpec;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.BackupType;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.model.ClusterStatus.PodStatus;
import io.pgset.core.model.Role;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.PgBackRest;
import io.pgset.instance.PostgresUser;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * pgBackRest command lines for one local cluster, built one way for {@code pgset backup},
 * {@code pgset backups} and the controller's schedule. pgBackRest runs as the postgres user with
 * the primary's own pgbackrest.conf (so backups and the primary's archiving agree on the
 * repositories, and two backups of the cluster share the primary's lock directory and exclude
 * each other). A backup copies its files from a ready (hence streaming) replica when there is one,
 * the one least behind, so the primary does not pay for the reads; else from the primary.
 */
public final class ClusterPgBackRest {

    private final ClusterHome home;
    private final ClusterSpec spec;
    private final String primary;
    private final Optional<PodStatus> standby;

    private ClusterPgBackRest(ClusterHome home, ClusterSpec spec, String primary, Optional<PodStatus> standby) {
        this.home = home;
        this.spec = spec;
        this.primary = primary;
        this.standby = standby;
    }

    /** For a command: the cluster's applied spec and its status now. */
    public static ClusterPgBackRest of(LocalClusters clusters, String name) {
        ClusterHome home = clusters.home(name);
        return of(home, SpecReader.read(home.spec()), clusters.status(name));
    }

    /** @throws PgsetException when the spec has no backup section or the cluster has no primary now */
    public static ClusterPgBackRest of(ClusterHome home, ClusterSpec spec, ClusterStatus status) {
        if (!spec.backup().enabled()) {
            throw new PgsetException("cluster " + spec.name() + " has no spec.backup: add a backup section"
                    + " (`backup: {}` for the local default repository) and `pgset apply` it");
        }
        if (status.primary() == null || status.primary().isEmpty()) {
            throw new PgsetException("cluster " + spec.name() + " has no primary now; `pgset status " + spec.name()
                    + "` says why");
        }
        Optional<PodStatus> standby = status.pods().stream()
                .filter(p -> p.ready() && Role.REPLICA.label().equals(p.role()) && !p.name().equals(status.primary()))
                .min(Comparator.comparingLong(PodStatus::lagBytes).thenComparingInt(PodStatus::ordinal));
        return new ClusterPgBackRest(home, spec, status.primary(), standby);
    }

    /** @throws PgsetException when {@code repo} is not the number of one of spec.backup.repositories */
    private static void checkRepository(ClusterSpec spec, int repo) {
        int count = spec.backup().repositories().size();
        if (repo < 1 || repo > count) {
            throw new PgsetException("cluster " + spec.name() + ": --repo " + repo + " is not a repository; "
                    + "spec.backup.repositories has " + count + " (" + String.join(", ", names(spec))
                    + "), so use 1" + (count > 1 ? " to " + count : ""));
        }
    }

    public String primary() {
        return primary;
    }

    /** The instance a backup copies its files from: the chosen standby, else the primary. */
    public String source() {
        return standby.map(PodStatus::name).orElse(primary);
    }

    public boolean fromStandby() {
        return standby.isPresent();
    }

    /** The same backups, copying their files from the primary. */
    public ClusterPgBackRest fromPrimary() {
        return new ClusterPgBackRest(home, spec, primary, Optional.empty());
    }

    /**
     * Whether a backup from the standby failed because of the standby, so that the primary can
     * take it at once: pgBackRest refuses a standby whose pg_control is still on the timeline before
     * a promotion (error 058) until the standby's next restartpoint, which may be minutes away.
     */
    public boolean standbyCouldNotServe(String error) {
        return standby.isPresent() && (error.contains("[058]") || error.contains("standby"));
    }

    /**
     * A backup of this type into repository {@code repo} (1-based, checked); pgBackRest then
     * expires what that repository's retention no longer keeps.
     */
    public List<String> backup(BackupType type, int repo) {
        checkRepository(spec, repo);
        List<String> args = new ArrayList<>(List.of("--type=" + type.option(), "--repo=" + repo,
                "--log-level-console=info"));
        standby.ifPresent(s -> args.addAll(PgBackRestConfRenderer.standbyOptions(
                home.volume(s.name()).resolve("pgdata").toString(), s.port())));
        args.add("backup");
        return command(args);
    }

    /** pgBackRest's info of the cluster's stanza as JSON. */
    public List<String> info() {
        return command(List.of("--output=json", "info"));
    }

    /**
     * Which repository and instance a backup goes to and comes from, for output and events.
     *
     * @throws PgsetException when {@code repo} is not the number of one of spec.backup.repositories
     */
    public String describe(int repo) {
        checkRepository(spec, repo);
        return "repository " + repo + " (" + names(spec).get(repo - 1) + "), files from "
                + (standby.isPresent() ? "standby " + source() : "primary " + primary);
    }

    private List<String> command(List<String> args) {
        return PgBackRest.command(PostgresUser.current(), home.volume(primary), Ports.LOOPBACK, spec.name(), args);
    }

    private static List<String> names(ClusterSpec spec) {
        return spec.backup().repositories().stream().map(BackupSpec.RepositorySpec::name).toList();
    }
}
