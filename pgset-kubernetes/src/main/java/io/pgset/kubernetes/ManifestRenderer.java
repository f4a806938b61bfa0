package io.pgset.kubernetes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.pgset.instance.LogLines;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.pgset.core.model.ClusterSpec;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a cluster spec to the Kubernetes objects that run it (see DESIGN.md, "Kubernetes
 * mapping"). Pure: the same spec and namespace give the same objects, except the generated
 * passwords in new Secrets (which the operator creates once and never overwrites).
 */
public final class ManifestRenderer {

    /** The image that runs {@code pgset instance}; overridable with {@code render --image}. */
    public static final String DEFAULT_IMAGE = "ghcr.io/pgset/pgset:0.1.0";
    public static final int POSTGRES_PORT = 5432;
    public static final int API_PORT = 8008;
    /** The postgres user and group of the image (Debian's). */
    public static final long POSTGRES_UID = 999;
    public static final String ROLE_LABEL = "pgset.io/role";
    public static final String CLUSTER_LABEL = "pgset.io/cluster";
    static final String DATA_MOUNT = "/var/lib/pgset";
    public static final String CA_CERTIFICATE = "ca.crt";
    public static final String CA_KEY = "ca.key";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES))
            .setSerializationInclusion(JsonInclude.Include.NON_EMPTY);

    private final ClusterSpec spec;
    private final String namespace;
    private final String image;
    private final boolean sourceClaim;

    /** Without the recovery source's spec: a recovery is taken to read the source's default posix repository. */
    public ManifestRenderer(ClusterSpec spec, String namespace, String image) {
        this(spec, namespace, image, spec.bootstrap().recovery().isPresent());
    }

    /**
     * @param sourceClaim for a cluster bootstrapped by recovery: whether the pods mount the source's
     *                    {@code <source>-backups} claim, which holds the source's repository when it
     *                    is its default posix one (the operator knows from the source's spec)
     */
    public ManifestRenderer(ClusterSpec spec, String namespace, String image, boolean sourceClaim) {
        this.spec = spec;
        this.namespace = namespace;
        this.image = image;
        this.sourceClaim = sourceClaim;
    }

    /** Every object, in the order they are best applied. */
    public List<HasMetadata> render() {
        List<HasMetadata> objects = new ArrayList<>(secrets());
        objects.addAll(workloads());
        return objects;
    }

    /** Everything but the Secrets: what follows the spec when it changes. */
    public List<HasMetadata> workloads() {
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(serviceAccount());
        objects.add(instanceRole());
        objects.add(instanceRoleBinding());
        objects.add(initSql());
        objects.add(specConfigMap());
        objects.add(headlessService());
        objects.add(roleService("rw", "primary", "the primary, for writes"));
        objects.add(roleService("ro", "replica", "the replicas, for reads"));
        objects.add(anyService());
        BackupVolumes.claim(spec, meta(spec.name())).ifPresent(objects::add); // before the pods that mount it
        objects.add(statefulSet());
        objects.add(disruptionBudget());
        objects.add(networkPolicy());
        return objects;
    }

    /** One YAML stream, {@code ---} before each document. */
    public static String yaml(List<HasMetadata> objects) {
        StringBuilder out = new StringBuilder();
        for (HasMetadata object : objects) {
            try {
                out.append(YAML.writeValueAsString(object));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write " + object.getKind() + " as YAML: " + e.getMessage(), e);
            }
        }
        return out.toString();
    }

    Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "pgset");
        labels.put("app.kubernetes.io/instance", spec.name());
        labels.put("app.kubernetes.io/managed-by", "pgset-operator");
        labels.put(CLUSTER_LABEL, spec.name());
        return labels;
    }

    Map<String, String> selector() {
        return Map.of(CLUSTER_LABEL, spec.name());
    }

    private ObjectMeta meta(String name) {
        return new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(labels()).build();
    }

    /**
     * The Secrets, generated anew at each call (passwords, the API token, a new CA key): they are
     * created once and never replaced, so check {@link #secretNames} before paying for them.
     */
    public List<Secret> secrets() {
        return List.of(secret("superuser", "postgres"), secret("app", spec.bootstrap().initdb().owner()),
                secret("replication", io.pgset.core.config.HbaRenderer.REPLICATION_USER), apiToken(), authority());
    }

    /** The names of the objects {@link #secrets} makes. */
    public List<String> secretNames() {
        return SECRETS.stream().map(which -> spec.name() + "-" + which).toList();
    }

    private static final List<String> SECRETS = List.of("superuser", "app", "replication", "api", "ca");

    /** The bearer token of the instance API, which the operator and the instances use. */
    Secret apiToken() {
        return new SecretBuilder().withMetadata(generated("api"))
                .withType("Opaque")
                .addToStringData("token", password())
                .build();
    }

    /**
     * The cluster's own certificate authority: instances sign their server certificates with it
     * (for their pod DNS names) and the operator trusts only it.
     */
    Secret authority() {
        io.pgset.core.tls.CertificateAuthority ca =
                io.pgset.core.tls.CertificateAuthority.create(spec.name(), java.time.Instant.now());
        return new SecretBuilder().withMetadata(generated("ca"))
                .withType("Opaque")
                .addToStringData(CA_CERTIFICATE, ca.certificatePem())
                .addToStringData(CA_KEY, ca.privateKeyPem())
                .build();
    }

    private ObjectMeta generated(String which) {
        return new ObjectMetaBuilder(meta(spec.name() + "-" + which))
                .addToAnnotations("pgset.io/generated", "once; the operator never overwrites an existing Secret")
                .build();
    }

    private Secret secret(String which, String user) {
        return new SecretBuilder().withMetadata(generated(which))
                .withType("kubernetes.io/basic-auth")
                .addToStringData("username", user)
                .addToStringData("password", password())
                .build();
    }

    /** The instances' own identity: they read the recorded primary and their peers' addresses, nothing else. */
    ServiceAccount serviceAccount() {
        return new ServiceAccountBuilder().withMetadata(meta(instanceAccount()))
                .withAutomountServiceAccountToken(false) // the pod template asks for the token itself
                .build();
    }

    /**
     * Read-only, and only this cluster's StatefulSet (the recorded primary, for {@code pgset
     * instance} to choose initdb, clone, follow or start as primary, and to notice when another
     * was promoted) and pods (their addresses). Pods cannot be limited by name in a list, so any
     * pod's address in the namespace is readable; nothing in a pod object is secret. A cluster
     * bootstrapped by recovery also reads its source's PostgresCluster, for the repository to
     * restore from.
     */
    Role instanceRole() {
        return new RoleBuilder().withMetadata(meta(instanceAccount()))
                .addNewRule().withApiGroups("apps").withResources("statefulsets").withResourceNames(spec.name())
                .withVerbs("get").endRule()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "list").endRule()
                .addAllToRules(spec.bootstrap().recovery().stream()
                        .map(r -> new io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder()
                                .withApiGroups(io.pgset.kubernetes.api.PostgresCluster.GROUP)
                                .withResources("postgresclusters").withResourceNames(r.source().cluster())
                                .withVerbs("get").build())
                        .toList())
                .build();
    }

    RoleBinding instanceRoleBinding() {
        return new RoleBindingBuilder().withMetadata(meta(instanceAccount()))
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
                .withName(instanceAccount()).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(instanceAccount()).withNamespace(namespace)
                .endSubject()
                .build();
    }

    private String instanceAccount() {
        return spec.name() + "-instance";
    }

    ConfigMap initSql() {
        return new ConfigMapBuilder().withMetadata(meta(spec.name() + "-init"))
                .addToData("init.sql", String.join(";\n", spec.bootstrap().initdb().initSql())
                        + (spec.bootstrap().initdb().initSql().isEmpty() ? "" : ";\n"))
                .build();
    }

    /** The spec itself, which every instance reads at start and at each reload (as locally). */
    ConfigMap specConfigMap() {
        return new ConfigMapBuilder().withMetadata(meta(spec.name() + "-spec"))
                .addToData("spec.yaml", io.pgset.core.spec.SpecReader.write(spec))
                .build();
    }

    Service headlessService() {
        return new ServiceBuilder().withMetadata(meta(spec.name()))
                .withNewSpec()
                .withClusterIP("None")
                .withPublishNotReadyAddresses(true) // peers find each other while they start
                .withSelector(selector())
                .withPorts(new ServicePortBuilder().withName("postgres").withPort(POSTGRES_PORT)
                                .withTargetPort(new IntOrString("postgres")).build(),
                        new ServicePortBuilder().withName("api").withPort(API_PORT)
                                .withTargetPort(new IntOrString("api")).build())
                .endSpec()
                .build();
    }

    private Service roleService(String suffix, String role, String what) {
        Map<String, String> select = new LinkedHashMap<>(selector());
        select.put(ROLE_LABEL, role);
        return service(suffix, select, what);
    }

    private Service anyService() {
        return service("r", selector(), "any ready instance, for reads that may go to the primary");
    }

    private Service service(String suffix, Map<String, String> select, String what) {
        return new ServiceBuilder()
                .withMetadata(new ObjectMetaBuilder(meta(spec.name() + "-" + suffix))
                        .addToAnnotations("pgset.io/description", what).build())
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(select)
                .withPorts(new ServicePortBuilder().withName("postgres").withPort(POSTGRES_PORT)
                        .withTargetPort(new IntOrString("postgres")).build())
                .endSpec()
                .build();
    }

    StatefulSet statefulSet() {
        String retainDeleted = spec.storage().retainOnDelete() ? "Retain" : "Delete";
        String retainScaled = spec.storage().retainOnScaleDown() ? "Retain" : "Delete";
        return new StatefulSetBuilder().withMetadata(meta(spec.name()))
                .withNewSpec()
                .withServiceName(spec.name())
                .withReplicas(spec.instances())
                .withPodManagementPolicy("Parallel") // the operator orders creation itself
                .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy() // and rollouts
                .withNewPersistentVolumeClaimRetentionPolicy()
                .withWhenDeleted(retainDeleted)
                .withWhenScaled(retainScaled)
                .endPersistentVolumeClaimRetentionPolicy()
                .withNewSelector().withMatchLabels(selector()).endSelector()
                .withVolumeClaimTemplates(new PersistentVolumeClaimBuilder()
                        .withNewMetadata().withName("data").withLabels(labels()).endMetadata()
                        .withNewSpec()
                        .withAccessModes("ReadWriteOnce")
                        .withNewResources().addToRequests("storage", new Quantity(spec.storage().size())).endResources()
                        .endSpec()
                        .build())
                .withNewTemplate()
                .withNewMetadata().withLabels(labels()).endMetadata()
                .withNewSpec()
                .withServiceAccountName(instanceAccount())
                .withAutomountServiceAccountToken(true)
                .withTerminationGracePeriodSeconds(60L)
                .withSecurityContext(new PodSecurityContextBuilder()
                        .withRunAsUser(POSTGRES_UID).withRunAsGroup(POSTGRES_UID).withFsGroup(POSTGRES_UID)
                        .withRunAsNonRoot(true)
                        // Ownership is set once, on a new volume, not walked through PGDATA at every start.
                        .withFsGroupChangePolicy("OnRootMismatch")
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .build())
                .withAffinity(antiAffinity())
                .withInitContainers(prepareVolume())
                .withContainers(instance())
                .withVolumes(volumes())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** Instances spread over nodes when they can; a small cluster still schedules on one node. */
    private Affinity antiAffinity() {
        return new AffinityBuilder().withNewPodAntiAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(100)
                .withNewPodAffinityTerm()
                .withTopologyKey("kubernetes.io/hostname")
                .withNewLabelSelector().withMatchLabels(selector()).endLabelSelector()
                .endPodAffinityTerm()
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .build();
    }

    /** Makes the volume the instance's: its directories, owned by postgres, 0700. */
    private Container prepareVolume() {
        return new ContainerBuilder()
                .withName("prepare-volume")
                .withImage(image)
                .withArgs("prepare-volume", "--volume=" + DATA_MOUNT)
                .withSecurityContext(containerSecurity())
                .withVolumeMounts(mount("data", DATA_MOUNT), mount("tmp", "/tmp"))
                .build();
    }

    private Container instance() {
        return new ContainerBuilder()
                .withName("postgres")
                .withImage(image)
                .withArgs("instance", "--cluster=" + spec.name(), "--volume=" + DATA_MOUNT,
                        "--secrets=/etc/pgset/secrets", "--spec=/etc/pgset/spec/spec.yaml", "--init-sql=/etc/pgset/init/init.sql")
                .withEnv(instanceEnv())
                .withPorts(port("postgres", POSTGRES_PORT), port("api", API_PORT))
                .withNewResources()
                .withRequests(quantities(spec.resources().requests()))
                .withLimits(quantities(spec.resources().limits()))
                .endResources()
                .withSecurityContext(containerSecurity())
                .withStartupProbe(probe("/startupz", 5, 360)) // up to 30 min for a large clone
                .withLivenessProbe(probe("/healthz", 10, 6))
                .withReadinessProbe(probe("/readyz", 2, 3))
                .withVolumeMounts(mount("data", DATA_MOUNT), mount("tmp", "/tmp"),
                        mount("run", "/var/run/postgresql"), readOnly("secrets", "/etc/pgset/secrets"),
                        readOnly("spec", "/etc/pgset/spec"), readOnly("init", "/etc/pgset/init"))
                .addAllToVolumeMounts(BackupVolumes.mounts(spec, sourceClaim))
                .build();
    }

    private List<Volume> volumes() {
        List<Volume> volumes = new ArrayList<>(List.of(
                new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build(),
                new VolumeBuilder().withName("run").withNewEmptyDir().endEmptyDir().build(),
                new VolumeBuilder().withName("secrets").withNewProjected().withDefaultMode(0400)
                        .addNewSource().withNewSecret().withName(spec.name() + "-superuser")
                        .addNewItem().withKey("password").withPath("superuser-password").endItem().endSecret().endSource()
                        .addNewSource().withNewSecret().withName(spec.name() + "-app")
                        .addNewItem().withKey("password").withPath("app-password").endItem().endSecret().endSource()
                        .addNewSource().withNewSecret().withName(spec.name() + "-replication")
                        .addNewItem().withKey("password").withPath("replication-password").endItem().endSecret().endSource()
                        .addNewSource().withNewSecret().withName(spec.name() + "-api")
                        .addNewItem().withKey("token").withPath("api-token").endItem().endSecret().endSource()
                        .addNewSource().withNewSecret().withName(spec.name() + "-ca")
                        .addNewItem().withKey(CA_CERTIFICATE).withPath(CA_CERTIFICATE).endItem()
                        .addNewItem().withKey(CA_KEY).withPath(CA_KEY).endItem().endSecret().endSource()
                        .endProjected().build(),
                new VolumeBuilder().withName("spec").withNewConfigMap().withName(spec.name() + "-spec").endConfigMap()
                        .build(),
                new VolumeBuilder().withName("init").withNewConfigMap().withName(spec.name() + "-init").endConfigMap()
                        .build()));
        volumes.addAll(BackupVolumes.volumes(spec, sourceClaim));
        return volumes;
    }

    private static Map<String, Quantity> quantities(Map<String, String> amounts) {
        Map<String, Quantity> out = new java.util.TreeMap<>();
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

    /** The downward API: who the pod is, which {@code pgset instance} reads. */
    /** Who the pod is, from the downward API; and the log format when the spec sets one. */
    private List<EnvVar> instanceEnv() {
        List<EnvVar> env = new ArrayList<>(List.of(fromField("POD_NAME", "metadata.name"),
                fromField("POD_NAMESPACE", "metadata.namespace"), fromField("POD_IP", "status.podIP")));
        spec.logging().format().ifPresent(format -> env.add(new EnvVarBuilder().withName(LogLines.ENVIRONMENT)
                .withValue(format.label()).build()));
        return env;
    }

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

    /**
     * At most {@code disruption.maxUnavailable} instances evicted at once. It is at least 1, so a
     * single-instance cluster never blocks a node drain.
     */
    PodDisruptionBudget disruptionBudget() {
        return new PodDisruptionBudgetBuilder().withMetadata(meta(spec.name()))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(spec.disruption().maxUnavailable()))
                .withNewSelector().withMatchLabels(selector()).endSelector()
                .endSpec()
                .build();
    }

    /**
     * Ingress only from: the cluster's own pods (replication, the instance API), clients in
     * {@code spec.network.allow} (postgres only), and the operator (the instance API only).
     */
    NetworkPolicy networkPolicy() {
        NetworkPolicyPeer peers = new NetworkPolicyPeerBuilder().withNewPodSelector().withMatchLabels(selector())
                .endPodSelector().build();
        NetworkPolicyPeer operator = new NetworkPolicyPeerBuilder()
                .withNewNamespaceSelector().endNamespaceSelector()
                .withNewPodSelector().addToMatchLabels("app.kubernetes.io/name", "pgset-operator").endPodSelector()
                .build();
        List<NetworkPolicyPeer> clients = spec.network().allow().stream()
                .map(cidr -> new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr).endIpBlock().build())
                .toList();
        return new NetworkPolicyBuilder().withMetadata(meta(spec.name()))
                .withNewSpec()
                .withNewPodSelector().withMatchLabels(selector()).endPodSelector()
                .withPolicyTypes("Ingress")
                .addNewIngress().withFrom(peers).withPorts(tcp(POSTGRES_PORT), tcp(API_PORT)).endIngress()
                .addNewIngress().withFrom(clients).withPorts(tcp(POSTGRES_PORT)).endIngress()
                .addNewIngress().withFrom(operator).withPorts(tcp(API_PORT)).endIngress()
                .endSpec()
                .build();
    }

    private static NetworkPolicyPort tcp(int port) {
        return new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(port)).build();
    }

    private static String password() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
