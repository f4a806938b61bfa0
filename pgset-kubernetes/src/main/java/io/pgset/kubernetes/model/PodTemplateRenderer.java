package io.pgset.kubernetes.model;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.pgset.core.model.ClusterSpec;
import io.pgset.instance.LogLines;
import io.pgset.instance.SupervisorJvm;
import io.pgset.kubernetes.BackupVolumes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pod every instance runs in: {@code pgset instance} as postgres (UID 999), non-root, no
 * privilege escalation, every capability dropped, a read-only root file system, probes on the
 * instance API. Pure.
 */
public final class PodTemplateRenderer {

    /** Read by every JVM as it starts, before the image's own flags. */
    static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";

    public static final int POSTGRES_PORT = 5432;
    public static final int API_PORT = 8008;
    /** The postgres user and group of the image (Debian's). */
    public static final long POSTGRES_UID = 999;
    static final String DATA_MOUNT = "/var/lib/pgset";

    private PodTemplateRenderer() {}

    public static PodTemplateSpec podTemplate(RenderInputs in) {
        return new PodTemplateSpecBuilder()
                .withNewMetadata().withLabels(ClusterLabels.labels(in.spec())).endMetadata()
                .withNewSpec()
                .withServiceAccountName(AccessRenderer.account(in))
                .withAutomountServiceAccountToken(true)
                .withTerminationGracePeriodSeconds(60L)
                .withSecurityContext(new PodSecurityContextBuilder()
                        .withRunAsUser(POSTGRES_UID).withRunAsGroup(POSTGRES_UID).withFsGroup(POSTGRES_UID)
                        .withRunAsNonRoot(true)
                        // Ownership is set once, on a new volume, not walked through PGDATA at every start.
                        .withFsGroupChangePolicy("OnRootMismatch")
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .build())
                .withAffinity(antiAffinity(in))
                .withNodeSelector(nullIfEmpty(in.spec().scheduling().nodeSelector()))
                .withTolerations(nullIfEmpty(in.spec().scheduling().tolerations().stream()
                        .map(PodTemplateRenderer::toleration).toList()))
                .withInitContainers(prepareVolume(in))
                .withContainers(instance(in))
                .withVolumes(volumes(in))
                .endSpec()
                .build();
    }

    /** Instances spread over nodes when they can; a small cluster still schedules on one node. */
    private static Affinity antiAffinity(RenderInputs in) {
        return new AffinityBuilder().withNewPodAntiAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(100)
                .withNewPodAffinityTerm()
                .withTopologyKey("kubernetes.io/hostname")
                .withNewLabelSelector().withMatchLabels(ClusterLabels.selector(in.spec())).endLabelSelector()
                .endPodAffinityTerm()
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .build();
    }

    /** Left out rather than empty: nothing to apply, nothing to own. */
    private static Map<String, String> nullIfEmpty(Map<String, String> values) {
        return values.isEmpty() ? null : values;
    }

    private static List<Toleration> nullIfEmpty(List<Toleration> values) {
        return values.isEmpty() ? null : values;
    }

    private static Toleration toleration(io.pgset.core.model.SchedulingSpec.Toleration t) {
        return new TolerationBuilder()
                .withKey(t.key().isEmpty() ? null : t.key())
                .withOperator(t.operator())
                .withValue(t.value().isEmpty() ? null : t.value())
                .withEffect(t.effect().isEmpty() ? null : t.effect())
                .withTolerationSeconds(t.tolerationSeconds().isPresent() ? t.tolerationSeconds().getAsLong() : null)
                .build();
    }

    /** Makes the volume the instance's: its directories, owned by postgres, 0700. */
    private static Container prepareVolume(RenderInputs in) {
        return new ContainerBuilder()
                .withName("prepare-volume")
                .withImage(in.image())
                .withArgs("prepare-volume", "--volume=" + DATA_MOUNT)
                .withSecurityContext(containerSecurity())
                .withVolumeMounts(mount("data", DATA_MOUNT), mount("tmp", "/tmp"))
                .build();
    }

    private static Container instance(RenderInputs in) {
        return new ContainerBuilder()
                .withName("postgres")
                .withImage(in.image())
                .withArgs("instance", "--cluster=" + in.spec().name(), "--volume=" + DATA_MOUNT,
                        "--secrets=/etc/pgset/secrets", "--spec=/etc/pgset/spec/spec.yaml", "--init-sql=/etc/pgset/init/init.sql")
                .withEnv(instanceEnv(in))
                .withPorts(port("postgres", POSTGRES_PORT), port("api", API_PORT))
                .withNewResources()
                .withRequests(quantities(in.spec().resources().requests()))
                .withLimits(quantities(in.spec().resources().limits()))
                .endResources()
                .withSecurityContext(containerSecurity())
                .withStartupProbe(probe("/startupz", 5, 360)) // up to 30 min for a large clone
                .withLivenessProbe(probe("/healthz", 10, 6))
                .withReadinessProbe(probe("/readyz", 2, 3))
                .withVolumeMounts(mount("data", DATA_MOUNT), mount("tmp", "/tmp"),
                        mount("run", "/var/run/postgresql"), readOnly("secrets", "/etc/pgset/secrets"),
                        readOnly("spec", "/etc/pgset/spec"), readOnly("init", "/etc/pgset/init"))
                .addAllToVolumeMounts(BackupVolumes.mounts(in.spec(), in.sourceClaim()))
                .build();
    }

    private static List<Volume> volumes(RenderInputs in) {
        String name = in.spec().name();
        List<Volume> volumes = new ArrayList<>(List.of(
                new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build(),
                new VolumeBuilder().withName("run").withNewEmptyDir().endEmptyDir().build(),
                new VolumeBuilder().withName("secrets").withNewProjected().withDefaultMode(0400)
                        .addNewSource().withNewSecret().withName(name + "-superuser")
                        .addNewItem().withKey("password").withPath("superuser-password").endItem().endSecret().endSource()
                        .addNewSource().withNewSecret().withName(name + "-app")
                        .addNewItem().withKey("password").withPath("app-password").endItem().endSecret().endSource()
                        .addNewSource().withNewSecret().withName(name + "-replication")
                        .addNewItem().withKey("password").withPath("replication-password").endItem().endSecret().endSource()
                        .addNewSource().withNewSecret().withName(name + "-api")
                        .addNewItem().withKey("token").withPath("api-token").endItem().endSecret().endSource()
                        .addNewSource().withNewSecret().withName(name + "-ca")
                        .addNewItem().withKey(SecretRenderer.CA_CERTIFICATE).withPath(SecretRenderer.CA_CERTIFICATE).endItem()
                        .addNewItem().withKey(SecretRenderer.CA_KEY).withPath(SecretRenderer.CA_KEY).endItem()
                        .endSecret().endSource()
                        .endProjected().build(),
                new VolumeBuilder().withName("spec").withNewConfigMap().withName(ConfigMapRenderer.specName(in))
                        .endConfigMap().build(),
                new VolumeBuilder().withName("init").withNewConfigMap().withName(ConfigMapRenderer.initSqlName(in))
                        .endConfigMap().build()));
        volumes.addAll(BackupVolumes.volumes(in.spec(), in.sourceClaim()));
        return volumes;
    }

    private static Map<String, Quantity> quantities(Map<String, String> amounts) {
        Map<String, Quantity> out = new TreeMap<>();
        amounts.forEach((name, amount) -> out.put(name, new Quantity(amount)));
        return out;
    }

    private static SecurityContext containerSecurity() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withPrivileged(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .build();
    }

    private static Probe probe(String path, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(path).withPort(new IntOrString("api")).withScheme("HTTPS").endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .withTimeoutSeconds(2)
                .withFailureThreshold(failureThreshold)
                .build();
    }

    /**
     * Who the pod is, from the downward API; the JVM fitted to a supervisor, as the local runtime's
     * ({@link SupervisorJvm}); and the log format when the spec sets one.
     */
    private static List<EnvVar> instanceEnv(RenderInputs in) {
        List<EnvVar> env = new ArrayList<>(List.of(fromField("POD_NAME", "metadata.name"),
                fromField("POD_NAMESPACE", "metadata.namespace"), fromField("POD_IP", "status.podIP")));
        env.add(new EnvVarBuilder().withName(JAVA_TOOL_OPTIONS).withValue(String.join(" ", SupervisorJvm.FLAGS)).build());
        new java.util.TreeMap<>(SupervisorJvm.ENVIRONMENT).forEach((name, value) ->
                env.add(new EnvVarBuilder().withName(name).withValue(value).build()));
        in.spec().logging().format().ifPresent(format -> env.add(new EnvVarBuilder().withName(LogLines.ENVIRONMENT)
                .withValue(format.label()).build()));
        return env;
    }

    /** The downward API: who the pod is, which {@code pgset instance} reads. */
    private static EnvVar fromField(String name, String fieldPath) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withFieldPath(fieldPath)
                .endFieldRef().endValueFrom().build();
    }

    private static ContainerPort port(String name, int number) {
        return new ContainerPortBuilder().withName(name).withContainerPort(number).withProtocol("TCP").build();
    }

    private static VolumeMount mount(String volume, String path) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).build();
    }

    private static VolumeMount readOnly(String volume, String path) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(true).build();
    }
}
