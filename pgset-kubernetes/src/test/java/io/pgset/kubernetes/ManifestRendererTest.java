package io.pgset.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import io.pgset.kubernetes.model.GeneratedSecrets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestRendererTest {

    static final ClusterSpec SPEC = SpecReader.read("""
            apiVersion: pgset.io/v1alpha1
            kind: PostgresCluster
            metadata: {name: shop}
            spec:
              instances: 3
              storage: {size: 20Gi, retainOnScaleDown: false, retainOnDelete: true}
              bootstrap: {initdb: {database: orders, owner: orders_owner, initSql: ["CREATE TABLE t (id int)"]}}
              network: {allow: [10.0.0.0/8, 192.168.1.7/32]}
              disruption: {maxUnavailable: 1}
              resources: {requests: {cpu: 500m, memory: 2Gi}, limits: {cpu: "2", memory: 4Gi}}
            """);
    static final List<HasMetadata> OBJECTS = new ManifestRenderer(SPEC, "prod", "example/pgset:1").render();

    @Test
    void everyObjectIsRenderedOnceInTheNamespaceWithTheClusterLabels() {
        assertThat(OBJECTS).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactly(
                "Secret/shop-superuser", "Secret/shop-app", "Secret/shop-replication", "Secret/shop-api",
                "Secret/shop-ca", "ServiceAccount/shop-instance", "Role/shop-instance", "RoleBinding/shop-instance",
                "ConfigMap/shop-init",
                "ConfigMap/shop-spec", "Service/shop", "Service/shop-rw", "Service/shop-ro", "Service/shop-r",
                "StatefulSet/shop", "PodDisruptionBudget/shop", "NetworkPolicy/shop");
        assertThat(OBJECTS).allSatisfy(o -> {
            assertThat(o.getMetadata().getNamespace()).isEqualTo("prod");
            assertThat(o.getMetadata().getLabels()).containsEntry("pgset.io/cluster", "shop")
                    .containsEntry("app.kubernetes.io/instance", "shop");
        });
    }

    @Test
    void theStatefulSetHasStableIdentityVolumesAndLeavesOrderingToTheOperator() {
        StatefulSet sts = object(StatefulSet.class, "shop");
        assertThat(sts.getSpec().getServiceName()).isEqualTo("shop");
        assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
        assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(sts.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
        assertThat(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Retain");
        assertThat(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled()).isEqualTo("Delete");
        var claim = sts.getSpec().getVolumeClaimTemplates().get(0);
        assertThat(claim.getMetadata().getName()).isEqualTo("data");
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("20Gi");
        assertThat(sts.getSpec().getSelector().getMatchLabels()).isEqualTo(Map.of("pgset.io/cluster", "shop"));
    }

    @Test
    void podsRunAsPostgresWithNothingMoreThanTheyNeed() {
        PodSpec pod = object(StatefulSet.class, "shop").getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(999L);
        assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(999L);
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(999L);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getSecurityContext().getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
        // The token is mounted for the instance's own, read-only role (see the next test).
        assertThat(pod.getServiceAccountName()).isEqualTo("shop-instance");
        assertThat(pod.getAutomountServiceAccountToken()).isTrue();
        List<Container> containers = new java.util.ArrayList<>(pod.getInitContainers());
        containers.addAll(pod.getContainers());
        assertThat(containers).extracting(Container::getName).containsExactly("prepare-volume", "postgres");
        assertThat(containers).allSatisfy(c -> {
            assertThat(c.getImage()).isEqualTo("example/pgset:1");
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getName()).isEqualTo("data"));
        });
        var term = pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().get(0);
        assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()).isEmpty();
    }

    @Test
    void instancesMayOnlyReadTheirStatefulSetAndPods() {
        var role = object(io.fabric8.kubernetes.api.model.rbac.Role.class, "shop-instance");
        assertThat(role.getRules()).extracting(r -> r.getApiGroups() + " " + r.getResources() + " "
                        + r.getResourceNames() + " " + r.getVerbs())
                .containsExactly("[apps] [statefulsets] [shop] [get]", "[] [pods] [] [get, list]");
        var binding = object(io.fabric8.kubernetes.api.model.rbac.RoleBinding.class, "shop-instance");
        assertThat(binding.getRoleRef().getKind() + "/" + binding.getRoleRef().getName()).isEqualTo("Role/shop-instance");
        assertThat(binding.getSubjects()).extracting(x -> x.getKind() + "/" + x.getNamespace() + "/" + x.getName())
                .containsExactly("ServiceAccount/prod/shop-instance");
        assertThat(object(io.fabric8.kubernetes.api.model.ServiceAccount.class, "shop-instance")
                .getAutomountServiceAccountToken()).isFalse(); // only pods that ask get the token
    }

    @Test
    void theContainersRunPgsetWithThePodsMountsAndIdentity() {
        PodSpec pod = object(StatefulSet.class, "shop").getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers().get(0).getArgs()).containsExactly("prepare-volume", "--volume=/var/lib/pgset");
        Container postgres = pod.getContainers().get(0);
        assertThat(postgres.getArgs()).containsExactly("instance", "--cluster=shop", "--volume=/var/lib/pgset",
                "--secrets=/etc/pgset/secrets", "--spec=/etc/pgset/spec/spec.yaml", "--init-sql=/etc/pgset/init/init.sql");
        assertThat(postgres.getEnv()).extracting(e -> e.getName() + "=" + (e.getValueFrom() == null ? e.getValue()
                        : e.getValueFrom().getFieldRef().getFieldPath()))
                .containsExactly("POD_NAME=metadata.name", "POD_NAMESPACE=metadata.namespace", "POD_IP=status.podIP",
                        "JAVA_TOOL_OPTIONS=" + String.join(" ", io.pgset.instance.SupervisorJvm.FLAGS), "MALLOC_ARENA_MAX=2");
        assertThat(io.pgset.instance.SupervisorJvm.FLAGS).as("the pod's JVM is the local daemons'")
                .contains("-Xmx64m", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=64m");
        assertThat(postgres.getVolumeMounts()).extracting(m -> m.getMountPath() + (Boolean.TRUE.equals(m.getReadOnly())
                        ? " ro" : ""))
                .containsExactly("/var/lib/pgset", "/tmp", "/var/run/postgresql", "/etc/pgset/secrets ro",
                        "/etc/pgset/spec ro", "/etc/pgset/init ro");
    }

    @Test
    void theSpecsLogFormatReachesTheInstanceManagerThroughItsEnvironment() {
        ClusterSpec json = SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\n"
                + "metadata: {name: one}\nspec: {logging: {format: json}}\n");
        StatefulSet sts = (StatefulSet) new ManifestRenderer(json, "prod", "i").render().stream()
                .filter(o -> o instanceof StatefulSet).findFirst().orElseThrow();

        assertThat(sts.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .filteredOn(e -> e.getName().equals("PGSET_LOG_FORMAT")).singleElement()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo("json"));
    }

    @Test
    void probesAskTheInstanceApiOverHttps() {
        Container postgres = object(StatefulSet.class, "shop").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(postgres.getStartupProbe().getHttpGet().getPath()).isEqualTo("/startupz");
        assertThat(postgres.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(postgres.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(List.of(postgres.getStartupProbe(), postgres.getLivenessProbe(), postgres.getReadinessProbe()))
                .allSatisfy(p -> {
                    assertThat(p.getHttpGet().getScheme()).isEqualTo("HTTPS");
                    assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("api");
                });
        assertThat(postgres.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("postgres:5432", "api:8008");
    }

    @Test
    void resourcesComeFromTheSpecAndDefaultToNoCpuLimit() {
        Container postgres = object(StatefulSet.class, "shop").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(postgres.getResources().getRequests()).hasToString("{cpu=500m, memory=2Gi}");
        assertThat(postgres.getResources().getLimits()).hasToString("{cpu=2, memory=4Gi}");
        ClusterSpec defaults = SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\n"
                + "metadata: {name: one}\n");
        StatefulSet sts = (StatefulSet) new ManifestRenderer(defaults, "prod", "i").render().stream()
                .filter(o -> o instanceof StatefulSet).findFirst().orElseThrow();
        var resources = sts.getSpec().getTemplate().getSpec().getContainers().get(0).getResources();
        assertThat(resources.getRequests()).hasToString("{cpu=250m, memory=512Mi}");
        assertThat(resources.getLimits()).hasToString("{memory=1Gi}");
    }

    @Test
    void servicesSelectOnTheRoleLabelAndTheHeadlessOneGivesEachPodAName() {
        Service headless = object(Service.class, "shop");
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(object(Service.class, "shop-rw").getSpec().getSelector())
                .isEqualTo(Map.of("pgset.io/cluster", "shop", "pgset.io/role", "primary"));
        assertThat(object(Service.class, "shop-ro").getSpec().getSelector())
                .isEqualTo(Map.of("pgset.io/cluster", "shop", "pgset.io/role", "replica"));
        assertThat(object(Service.class, "shop-r").getSpec().getSelector()).isEqualTo(Map.of("pgset.io/cluster", "shop"));
    }

    @Test
    void secretsHoldGeneratedCredentialsForEachRole() {
        Secret app = object(Secret.class, "shop-app");
        assertThat(app.getType()).isEqualTo("kubernetes.io/basic-auth");
        assertThat(app.getStringData()).containsEntry("username", "orders_owner").containsKey("password");
        assertThat(app.getStringData().get("password")).hasSizeGreaterThanOrEqualTo(32);
        assertThat(object(Secret.class, "shop-replication").getStringData()).containsEntry("username", "pgset_replication");
        assertThat(object(Secret.class, "shop-superuser").getStringData().get("password"))
                .isNotEqualTo(app.getStringData().get("password"));
        assertThat(object(Secret.class, "shop-api").getStringData().get("token")).hasSizeGreaterThanOrEqualTo(32);
        java.security.cert.X509Certificate ca = io.pgset.core.tls.CertificateAuthority.parseCertificate(
                object(Secret.class, "shop-ca").getStringData().get(ManifestRenderer.CA_CERTIFICATE));
        assertThat(ca.getBasicConstraints()).as("a CA certificate").isGreaterThanOrEqualTo(0);
        assertThat(object(Secret.class, "shop-ca").getStringData().get(ManifestRenderer.CA_KEY)).contains("PRIVATE KEY");
        assertThat(object(io.fabric8.kubernetes.api.model.ConfigMap.class, "shop-init").getData())
                .containsEntry("init.sql", "CREATE TABLE t (id int);\n");
        assertThat(SpecReader.read(object(io.fabric8.kubernetes.api.model.ConfigMap.class, "shop-spec").getData()
                .get("spec.yaml"))).isEqualTo(SPEC);
    }

    @Test
    void theDisruptionBudgetNeverBlocksTheDrainOfASingleInstance() {
        PodDisruptionBudget pdb = object(PodDisruptionBudget.class, "shop");
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getMinAvailable()).isNull();
        ClusterSpec single = SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\n"
                + "metadata: {name: one}\nspec: {instances: 1}\n");
        PodDisruptionBudget one = (PodDisruptionBudget) new ManifestRenderer(single, "prod", "i").render().stream()
                .filter(o -> o instanceof PodDisruptionBudget).findFirst().orElseThrow();
        assertThat(one.getSpec().getMaxUnavailable().getIntVal()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theNetworkPolicyAdmitsPeersAllowedClientsAndTheOperatorOnly() {
        NetworkPolicy policy = object(NetworkPolicy.class, "shop");
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        var ingress = policy.getSpec().getIngress();
        assertThat(ingress).hasSize(3);
        assertThat(ingress.get(0).getFrom().get(0).getPodSelector().getMatchLabels())
                .isEqualTo(Map.of("pgset.io/cluster", "shop"));
        assertThat(ingress.get(0).getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(5432, 8008);
        assertThat(ingress.get(1).getFrom()).extracting(p -> p.getIpBlock().getCidr())
                .containsExactly("10.0.0.0/8", "192.168.1.7/32");
        assertThat(ingress.get(1).getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(5432);
        assertThat(ingress.get(2).getFrom().get(0).getPodSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/name", "pgset-operator");
        assertThat(ingress.get(2).getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(8008);
    }

    @Test
    void renderingTheSameSpecTwiceWithTheSameInputsGivesEqualObjects() {
        GeneratedSecrets generated = GeneratedSecrets.generate("shop", new java.util.Random(7),
                java.time.Clock.fixed(java.time.Instant.parse("2026-11-30T05:00:00Z"), java.time.ZoneOffset.UTC));
        ManifestRenderer renderer = new ManifestRenderer(SPEC, "prod", "example/pgset:1");

        List<HasMetadata> first = renderer.render(generated);
        List<HasMetadata> second = new ManifestRenderer(SpecReader.read(SpecReader.write(SPEC)), "prod",
                "example/pgset:1").render(generated);

        assertThat(second).isEqualTo(first);
        assertThat(ManifestRenderer.yaml(second)).isEqualTo(ManifestRenderer.yaml(first));
        // Only the generated part differs between two generations, and it does.
        assertThat(renderer.workloads()).isEqualTo(renderer.workloads());
        assertThat(renderer.render()).filteredOn(o -> o instanceof Secret).isNotEqualTo(
                first.stream().filter(o -> o instanceof Secret).toList());
    }

    @Test
    void generatedSecretsComeFromTheGivenRandomSourceAndClock() {
        java.time.Instant now = java.time.Instant.parse("2031-01-01T00:00:00Z"); // not the machine's time
        GeneratedSecrets a = GeneratedSecrets.generate("shop", new java.util.Random(7),
                java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
        GeneratedSecrets b = GeneratedSecrets.generate("shop", new java.util.Random(7),
                java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));

        assertThat(List.of(b.superuserPassword(), b.appPassword(), b.replicationPassword(), b.apiToken()))
                .isEqualTo(List.of(a.superuserPassword(), a.appPassword(), a.replicationPassword(), a.apiToken()))
                .doesNotHaveDuplicates();
        assertThat(io.pgset.core.tls.CertificateAuthority.parseCertificate(a.caCertificatePem()).getNotBefore()
                .toInstant()).isBetween(now.minus(java.time.Duration.ofDays(1)), now);
    }

    /** A NetworkPolicy rule without "from" admits every source: an empty allow list must add none. */
    @Test
    void anEmptyAllowListAdmitsNoClientRatherThanEveryone() {
        ClusterSpec closed = SpecReader.read("apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\n"
                + "metadata: {name: one}\nspec: {network: {allow: []}}\n");
        NetworkPolicy policy = new ManifestRenderer(closed, "prod", "i").render().stream()
                .filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast).findFirst().orElseThrow();

        assertThat(policy.getSpec().getIngress()).hasSize(2)
                .allSatisfy(rule -> assertThat(rule.getFrom()).isNotEmpty());
        assertThat(policy.getMetadata().getAnnotations().get("pgset.io/clients")).startsWith("none");
    }

    @Test
    void withoutNetworkAllowThePodsOfTheNamespaceAreTheClientsAndThePolicySaysSo() {
        List<HasMetadata> objects = new ManifestRenderer(SpecReader.defaults("one"), "prod", "i").render();
        NetworkPolicy policy = objects.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast)
                .findFirst().orElseThrow();

        var clients = policy.getSpec().getIngress().get(1);
        assertThat(clients.getFrom()).singleElement().satisfies(peer -> {
            assertThat(peer.getPodSelector()).as("every pod").isNotNull();
            assertThat(peer.getPodSelector().getMatchLabels()).isNullOrEmpty();
            assertThat(peer.getPodSelector().getMatchExpressions()).isNullOrEmpty();
            assertThat(peer.getNamespaceSelector()).as("of the policy's own namespace").isNull();
            assertThat(peer.getIpBlock()).isNull();
        });
        assertThat(clients.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(5432);
        assertThat(policy.getMetadata().getAnnotations().get("pgset.io/clients"))
                .startsWith("every pod in namespace prod").contains("spec.network.allow is not set");
        assertThat(object(NetworkPolicy.class, "shop").getMetadata().getAnnotations().get("pgset.io/clients"))
                .isEqualTo("the networks of spec.network.allow: 10.0.0.0/8, 192.168.1.7/32");
    }

    @Test
    void storageClassSchedulingAndALoadBalancerReachThePodsClaimsAndRwService() {
        ClusterSpec placed = SpecReader.read("""
                apiVersion: pgset.io/v1alpha1
                kind: PostgresCluster
                metadata: {name: shop}
                spec:
                  storage: {storageClass: fast-ssd}
                  scheduling:
                    nodeSelector: {disktype: ssd}
                    tolerations: [{key: dedicated, value: db, effect: NoSchedule},
                                   {operator: Exists, effect: NoExecute, tolerationSeconds: 30}]
                  services: {rw: {type: LoadBalancer}}
                  network: {allow: [203.0.113.0/24]}
                """);
        List<HasMetadata> objects = new ManifestRenderer(placed, "prod", "i").render();
        StatefulSet sts = objects.stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast)
                .findFirst().orElseThrow();
        Service rw = objects.stream().filter(Service.class::isInstance).map(Service.class::cast)
                .filter(s -> s.getMetadata().getName().equals("shop-rw")).findFirst().orElseThrow();

        PodSpec pod = sts.getSpec().getTemplate().getSpec();
        assertThat(sts.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName()).isEqualTo("fast-ssd");
        assertThat(pod.getNodeSelector()).isEqualTo(Map.of("disktype", "ssd"));
        assertThat(pod.getTolerations()).extracting(t -> t.getKey() + " " + t.getOperator() + " " + t.getValue() + " "
                        + t.getEffect() + " " + t.getTolerationSeconds())
                .containsExactly("dedicated Equal db NoSchedule null", "null Exists null NoExecute 30");
        assertThat(rw.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(rw.getSpec().getExternalTrafficPolicy()).as("keeps the client's address").isEqualTo("Local");
        assertThat(rw.getSpec().getLoadBalancerSourceRanges()).containsExactly("203.0.113.0/24");
        // Left out: the cluster's default class, any node, a ClusterIP Service.
        StatefulSet plain = object(StatefulSet.class, "shop");
        assertThat(plain.getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName()).isNull();
        assertThat(plain.getSpec().getTemplate().getSpec().getNodeSelector()).isNullOrEmpty();
        assertThat(plain.getSpec().getTemplate().getSpec().getTolerations()).isNullOrEmpty();
        assertThat(object(Service.class, "shop-rw").getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(object(Service.class, "shop-rw").getSpec().getLoadBalancerSourceRanges()).isNullOrEmpty();
    }

    @Test
    void theYamlStreamHasOneDocumentPerObject() {
        String yaml = ManifestRenderer.yaml(OBJECTS);
        assertThat(yaml.split("(?m)^---$")).hasSize(OBJECTS.size() + 1);
        assertThat(yaml).contains("kind: StatefulSet", "apiVersion: apps/v1", "apiVersion: policy/v1",
                "apiVersion: networking.k8s.io/v1", "podManagementPolicy: Parallel");
    }

    private static <T extends HasMetadata> T object(Class<T> type, String name) {
        return OBJECTS.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }
}
