package io.pgset.kubernetes.model;

import io.pgset.core.tls.CertificateAuthority;
import java.time.Clock;
import java.util.Base64;
import java.util.random.RandomGenerator;

/**
 * What the Secrets hold that cannot be derived from the spec: passwords, the API token and the
 * cluster's CA. Made here, from the random source and clock given, so that the renderers stay
 * pure; the operator makes them only for a cluster whose Secrets are missing.
 */
public record GeneratedSecrets(String superuserPassword, String appPassword, String replicationPassword,
                               String apiToken, String caCertificatePem, String caKeyPem) {

    /** 24 random bytes: 192 bits, 32 URL-safe characters. */
    private static final int SECRET_BYTES = 24;

    /** @param random a cryptographically strong source outside tests ({@link java.security.SecureRandom}) */
    public static GeneratedSecrets generate(String cluster, RandomGenerator random, Clock clock) {
        CertificateAuthority ca = CertificateAuthority.create(cluster, clock.instant());
        return new GeneratedSecrets(password(random), password(random), password(random), password(random),
                ca.certificatePem(), ca.privateKeyPem());
    }

    private static String password(RandomGenerator random) {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
