package io.pgset.core.spec;

import io.pgset.core.json.JsonTree;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec;
import io.pgset.core.model.BackupSpec.PosixRepository;
import io.pgset.core.model.BackupSpec.RepositorySpec;
import io.pgset.core.model.ClusterSpec.InitdbSpec;
import io.pgset.core.model.ClusterSpec.PostgresSpec;
import io.pgset.core.model.ClusterSpec.RecoverySpec;
import io.pgset.core.model.BackupSpec.S3Repository;
import io.pgset.core.model.PodManagementPolicy;
import io.pgset.core.model.SchedulingSpec;
import io.pgset.core.model.ServicesSpec;
import io.pgset.core.model.ClusterSpec.StorageSpec;
import io.pgset.core.model.SchedulingSpec.Toleration;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The canonical document for a spec: every field spelled out, in the order the reader documents
 * them, so that two equal specs always print the same text.
 */
final class SpecWriter {

    private SpecWriter() {}

    static String write(ClusterSpec cluster) {
        JsonTree root = JsonTree.object();
        root.put("apiVersion", SpecParser.API_VERSION);
        root.put("kind", SpecParser.KIND);
        root.putObject("metadata").put("name", cluster.name());
        JsonTree spec = root.putObject("spec");
        spec.put("instances", cluster.instances());
        // Only when not the default, so that the canonical document of every other spec stays as it was.
        if (cluster.podManagementPolicy() != PodManagementPolicy.ORDERED_READY) {
            spec.put("podManagementPolicy", cluster.podManagementPolicy().label());
        }
        postgres(spec.putObject("postgres"), cluster.postgres());
        storage(spec.putObject("storage"), cluster.storage());
        JsonTree replication = spec.putObject("replication");
        // A mode the user left out stays out: read back, it follows the number of instances again.
        if (cluster.replication().explicitMode()) {
            replication.put("mode", cluster.replication().mode().name().toLowerCase(Locale.ROOT));
        }
        replication.put("syncStandbys", cluster.replication().syncStandbys());
        JsonTree bootstrap = spec.putObject("bootstrap");
        initdb(bootstrap.putObject("initdb"), cluster.bootstrap().initdb());
        cluster.bootstrap().recovery().ifPresent(recovery -> recovery(bootstrap.putObject("recovery"), recovery));
        if (cluster.backup().enabled()) {
            backup(spec.putObject("backup"), cluster.backup());
        }
        spec.putObject("tls").put("enabled", cluster.tls().enabled()).put("validityDays", cluster.tls().validityDays());
        JsonTree network = spec.putObject("network");
        // Allow the runtime to choose again when read back (Kubernetes: the namespace's pods).
        if (cluster.network().given()) {
            strings(network, "allow", cluster.network().allow());
        }
        spec.putObject("disruption").put("maxUnavailable", cluster.disruption().maxUnavailable());
        spec.putObject("failover").put("delaySeconds", cluster.failover().delaySeconds());
        JsonTree resources = spec.putObject("resources");
        JsonTree requests = resources.putObject("requests");
        new TreeMap<>(cluster.resources().requests()).forEach(requests::put);
        JsonTree limits = resources.putObject("limits");
        new TreeMap<>(cluster.resources().limits()).forEach(limits::put);
        cluster.logging().format().ifPresent(format -> spec.putObject("logging").put("format", format.label()));
        // Kubernetes-only sections only when set: the canonical document of every other spec stays as it was.
        if (!cluster.scheduling().equals(SchedulingSpec.NONE)) {
            scheduling(spec.putObject("scheduling"), cluster.scheduling());
        }
        if (!cluster.services().equals(ServicesSpec.DEFAULT)) {
            spec.putObject("services").putObject("rw").put("type", cluster.services().readWrite().kubernetesName());
        }
        return SpecYaml.write(root);
    }

    private static void postgres(JsonTree node, PostgresSpec postgres) {
        node.put("version", postgres.version());
        node.put("binDir", postgres.binDir());
        JsonTree parameters = node.putObject("parameters");
        new TreeMap<>(postgres.parameters()).forEach(parameters::put);
    }

    private static void storage(JsonTree node, StorageSpec storage) {
        // A size the user left out stays out: locally the capacity is then the filesystem's room.
        if (storage.explicitSize()) {
            node.put("size", storage.size());
        }
        node.put("retainOnScaleDown", storage.retainOnScaleDown());
        node.put("retainOnDelete", storage.retainOnDelete());
        node.put("alertPercent", storage.alertPercent());
        if (!storage.storageClass().isEmpty()) {
            node.put("storageClass", storage.storageClass());
        }
    }

    private static void scheduling(JsonTree node, SchedulingSpec scheduling) {
        JsonTree selector = node.putObject("nodeSelector");
        scheduling.nodeSelector().forEach(selector::put);
        JsonTree tolerations = node.putArray("tolerations");
        for (Toleration t : scheduling.tolerations()) {
            JsonTree out = tolerations.addObject();
            if (!t.key().isEmpty()) {
                out.put("key", t.key());
            }
            out.put("operator", t.operator());
            if (!t.value().isEmpty()) {
                out.put("value", t.value());
            }
            if (!t.effect().isEmpty()) {
                out.put("effect", t.effect());
            }
            t.tolerationSeconds().ifPresent(seconds -> out.put("tolerationSeconds", seconds));
        }
    }

    private static void initdb(JsonTree node, InitdbSpec initdb) {
        node.put("database", initdb.database());
        node.put("owner", initdb.owner());
        node.put("dataChecksums", initdb.dataChecksums());
        strings(node, "initSql", initdb.initSql());
    }

    private static void recovery(JsonTree node, RecoverySpec recovery) {
        JsonTree source = node.putObject("source").put("cluster", recovery.source().cluster());
        if (!recovery.source().repository().isEmpty()) {
            source.put("repository", recovery.source().repository());
        }
        if (!recovery.source().systemIdentifier().isEmpty()) {
            source.put("systemIdentifier", recovery.source().systemIdentifier());
        }
        JsonTree target = node.putObject("target");
        switch (recovery.target().type()) {
            case LATEST -> { }
            case IMMEDIATE -> target.put("immediate", true);
            default -> target.put(recovery.target().type().name().toLowerCase(Locale.ROOT), recovery.target().value());
        }
    }

    private static void backup(JsonTree node, BackupSpec backup) {
        JsonTree repositories = node.putArray("repositories");
        for (RepositorySpec repository : backup.repositories()) {
            JsonTree out = repositories.addObject().put("name", repository.name());
            if (repository instanceof S3Repository s3) {
                s3(out, s3);
            } else {
                out.put("type", "posix");
                // An empty path means "the runtime's default"; the reader takes absence to mean that.
                String path = ((PosixRepository) repository).path();
                if (!path.isEmpty()) {
                    out.put("path", path);
                }
            }
        }
        JsonTree schedule = node.putObject("schedule");
        backup.schedule().byType().forEach((type, cron) -> schedule.put(type.scheduleField(), cron));
        node.putObject("retention").put("full", backup.retention().full());
        node.putObject("archive").put("timeoutSeconds", backup.archive().timeoutSeconds());
    }

    private static void s3(JsonTree node, S3Repository s3) {
        node.put("type", "s3");
        node.put("endpoint", s3.endpoint());
        node.put("bucket", s3.bucket());
        node.put("region", s3.region());
        node.put("path", s3.path());
        node.put("uriStyle", s3.uriStyle().name().toLowerCase(Locale.ROOT));
        JsonTree credentials = node.putObject("credentials");
        if (!s3.credentials().secretName().isEmpty()) {
            credentials.put("secretName", s3.credentials().secretName());
        } else {
            credentials.put("file", s3.credentials().file());
        }
        if (!s3.caFile().isEmpty()) {
            node.put("caFile", s3.caFile());
        }
    }

    private static void strings(JsonTree node, String field, List<String> values) {
        values.forEach(node.putArray(field)::add);
    }
}
