package io.pgset.kubernetes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.pgset.core.model.ClusterSpec;
import io.pgset.kubernetes.model.AccessRenderer;
import io.pgset.kubernetes.model.ClusterLabels;
import io.pgset.kubernetes.model.ConfigMapRenderer;
import io.pgset.kubernetes.model.DisruptionBudgetRenderer;
import io.pgset.kubernetes.model.GeneratedSecrets;
import io.pgset.kubernetes.model.NetworkPolicyRenderer;
import io.pgset.kubernetes.model.PodTemplateRenderer;
import io.pgset.kubernetes.model.RenderInputs;
import io.pgset.kubernetes.model.SecretRenderer;
import io.pgset.kubernetes.model.ServiceRenderer;
import io.pgset.kubernetes.model.StatefulSetRenderer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Every Kubernetes object of a cluster (see DESIGN.md, "Kubernetes mapping"), in the order they
 * are best applied, from the small pure renderers of {@code io.pgset.kubernetes.model}, one per
 * concern. Pure: the same spec, inputs and {@link GeneratedSecrets} give equal objects.
 */
public final class ManifestRenderer {

    /** The image that runs {@code pgset instance}; overridable with {@code render --image}. */
    public static final String DEFAULT_IMAGE = "ghcr.io/pgset/pgset:0.1.0";
    public static final int POSTGRES_PORT = PodTemplateRenderer.POSTGRES_PORT;
    public static final int API_PORT = PodTemplateRenderer.API_PORT;
    public static final long POSTGRES_UID = PodTemplateRenderer.POSTGRES_UID;
    public static final String ROLE_LABEL = ClusterLabels.ROLE_LABEL;
    public static final String CLUSTER_LABEL = ClusterLabels.CLUSTER_LABEL;
    public static final String CA_CERTIFICATE = SecretRenderer.CA_CERTIFICATE;
    public static final String CA_KEY = SecretRenderer.CA_KEY;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // A string that reads as a number (an environment value "2") stays a string for kubectl.
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .disable(YAMLGenerator.Feature.SPLIT_LINES))
            .setSerializationInclusion(JsonInclude.Include.NON_EMPTY);

    private final RenderInputs in;

    /** Without the recovery source's spec: a recovery is taken to read the source's default posix repository. */
    public ManifestRenderer(ClusterSpec spec, String namespace, String image) {
        this(spec, namespace, image, spec.bootstrap().recovery().isPresent());
    }

    /** @param sourceClaim see {@link RenderInputs#sourceClaim()} */
    public ManifestRenderer(ClusterSpec spec, String namespace, String image, boolean sourceClaim) {
        this.in = new RenderInputs(spec, namespace, image, sourceClaim);
    }

    /** Every object, with new secrets from a strong random source and the system clock. */
    public List<HasMetadata> render() {
        return render(GeneratedSecrets.generate(in.spec().name(), new SecureRandom(), Clock.systemUTC()));
    }

    /** Every object, in the order they are best applied. */
    public List<HasMetadata> render(GeneratedSecrets generated) {
        List<HasMetadata> objects = new ArrayList<>(secrets(generated));
        objects.addAll(workloads());
        return objects;
    }

    /** Everything but the Secrets: what follows the spec when it changes. */
    public List<HasMetadata> workloads() {
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(AccessRenderer.serviceAccount(in));
        objects.add(AccessRenderer.role(in));
        objects.add(AccessRenderer.roleBinding(in));
        objects.add(ConfigMapRenderer.initSql(in));
        objects.add(ConfigMapRenderer.spec(in));
        objects.add(ServiceRenderer.headless(in));
        objects.add(ServiceRenderer.readWrite(in));
        objects.add(ServiceRenderer.readOnly(in));
        objects.add(ServiceRenderer.anyInstance(in));
        BackupVolumes.claim(in.spec(), ClusterLabels.meta(in, in.spec().name()))
                .ifPresent(objects::add); // before the pods that mount it
        objects.add(StatefulSetRenderer.statefulSet(in));
        objects.add(DisruptionBudgetRenderer.disruptionBudget(in));
        objects.add(NetworkPolicyRenderer.networkPolicy(in));
        return objects;
    }

    /** The Secrets, holding {@code generated}: created once and never replaced. */
    public List<Secret> secrets(GeneratedSecrets generated) {
        return SecretRenderer.secrets(in, generated);
    }

    /** The names of the objects {@link #secrets} makes. */
    public List<String> secretNames() {
        return SecretRenderer.names(in.spec().name());
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
}
