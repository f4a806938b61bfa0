package io.pgset.kubernetes.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pgset.core.config.HbaRenderer;
import java.util.List;

/**
 * The cluster's Secrets: a password per role, the instance API's token and the cluster's CA.
 * Pure: what they hold is generated outside ({@link GeneratedSecrets}). They are created once and
 * never replaced: the data's passwords are in them.
 */
public final class SecretRenderer {

    public static final String CA_CERTIFICATE = "ca.crt";
    public static final String CA_KEY = "ca.key";
    private static final List<String> SECRETS = List.of("superuser", "app", "replication", "api", "ca");

    private SecretRenderer() {}

    public static List<Secret> secrets(RenderInputs in, GeneratedSecrets generated) {
        return List.of(login(in, "superuser", "postgres", generated.superuserPassword()),
                login(in, "app", in.spec().bootstrap().initdb().owner(), generated.appPassword()),
                login(in, "replication", HbaRenderer.REPLICATION_USER, generated.replicationPassword()),
                apiToken(in, generated.apiToken()), authority(in, generated));
    }

    /** The names of the objects {@link #secrets} makes, in the same order. */
    public static List<String> names(String cluster) {
        return SECRETS.stream().map(which -> cluster + "-" + which).toList();
    }

    /** The bearer token of the instance API, which the operator and the instances use. */
    private static Secret apiToken(RenderInputs in, String token) {
        return new SecretBuilder().withMetadata(generated(in, "api"))
                .withType("Opaque")
                .addToStringData("token", token)
                .build();
    }

    /**
     * The cluster's own certificate authority: instances sign their server certificates with it
     * (for their pod DNS names) and the operator trusts only it.
     */
    private static Secret authority(RenderInputs in, GeneratedSecrets generated) {
        return new SecretBuilder().withMetadata(generated(in, "ca"))
                .withType("Opaque")
                .addToStringData(CA_CERTIFICATE, generated.caCertificatePem())
                .addToStringData(CA_KEY, generated.caKeyPem())
                .build();
    }

    private static Secret login(RenderInputs in, String which, String user, String password) {
        return new SecretBuilder().withMetadata(generated(in, which))
                .withType("kubernetes.io/basic-auth")
                .addToStringData("username", user)
                .addToStringData("password", password)
                .build();
    }

    private static ObjectMeta generated(RenderInputs in, String which) {
        return new ObjectMetaBuilder(ClusterLabels.meta(in, in.spec().name() + "-" + which))
                .addToAnnotations("pgset.io/generated", "once; the operator never overwrites an existing Secret")
                .build();
    }
}
