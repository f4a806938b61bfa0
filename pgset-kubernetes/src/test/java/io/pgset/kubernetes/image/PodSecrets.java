package io.pgset.kubernetes.image;

import io.pgset.core.tls.CertificateAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** The cluster's Secrets as a pod mounts them, one file each, for tests that run `pgset instance` as a pod. */
public final class PodSecrets {

    private PodSecrets() {}

    /** Writes them into {@code dir} (made if missing): passwords, the API token, a new cluster CA. */
    public static Path write(Path dir, String superuserPassword) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("superuser-password"), superuserPassword);
        Files.writeString(dir.resolve("replication-password"), "replication-secret-1");
        Files.writeString(dir.resolve("app-password"), "app-secret-1");
        Files.writeString(dir.resolve("api-token"), "token-1");
        CertificateAuthority ca = CertificateAuthority.create("demo", Instant.now());
        Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
        Files.writeString(dir.resolve("ca.key"), ca.privateKeyPem());
        return dir;
    }
}
