package io.pgset.kubernetes.e2e;

import io.pgset.core.tls.CertificateAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The files a test control plane's API server and controller manager are started with, made fresh
 * for each control plane: a CA and the API server's serving certificate (for the names and
 * addresses clients use), the service-account signing key, and a static bearer token in
 * system:masters for the test's admin client and the controller manager.
 */
record ControlPlaneCredentials(Path caCertificate, Path servingCertificate, Path servingKey,
                               Path serviceAccountKey, Path serviceAccountPublicKey, Path tokens,
                               String adminToken, String caPem) {

    /** The first address of the default service CIDR, the in-cluster {@code kubernetes} Service. */
    static final String SERVICE_CLUSTER_IP_RANGE = "10.96.0.0/16";
    static final String KUBERNETES_SERVICE_IP = "10.96.0.1";

    private static final Duration VALIDITY = Duration.ofDays(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    static ControlPlaneCredentials create(Path dir, String advertiseAddress) throws IOException {
        Instant now = Instant.now();
        CertificateAuthority ca = CertificateAuthority.create("e2e control plane", now);
        CertificateAuthority.Issued serving = ca.issueServer(
                List.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                        "kubernetes.default.svc.cluster.local"),
                List.of("127.0.0.1", advertiseAddress, KUBERNETES_SERVICE_IP).stream().distinct().toList(),
                VALIDITY, now);
        KeyPair serviceAccount = rsaKeyPair();
        String adminToken = HexFormat.of().formatHex(bytes(32));
        // token,user,uid,"groups": the admin client and the controller manager act as system:masters.
        String tokens = adminToken + ",e2e-admin,e2e-admin,\"system:masters\"\n";
        return new ControlPlaneCredentials(
                write(dir.resolve("ca.crt"), ca.certificatePem()),
                write(dir.resolve("apiserver.crt"), serving.certificatePem()),
                write(dir.resolve("apiserver.key"), serving.privateKeyPem()),
                write(dir.resolve("service-account.key"), pem("PRIVATE KEY", serviceAccount.getPrivate().getEncoded())),
                write(dir.resolve("service-account.pub"), pem("PUBLIC KEY", serviceAccount.getPublic().getEncoded())),
                write(dir.resolve("tokens.csv"), tokens),
                adminToken, ca.certificatePem());
    }

    /** A kubeconfig that reaches {@code server} as the admin. */
    Path writeAdminKubeconfig(Path file, String server) throws IOException {
        return writeKubeconfig(file, server, "e2e-admin", adminToken);
    }

    /** A kubeconfig that reaches {@code server} with a bearer token (of {@code user}, as the file names it). */
    Path writeKubeconfig(Path file, String server, String user, String token) throws IOException {
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: e2e
                  cluster: {server: "%s", certificate-authority: "%s"}
                users:
                - name: %s
                  user: {token: "%s"}
                contexts:
                - name: e2e
                  context: {cluster: e2e, user: %s}
                current-context: e2e
                """.formatted(server, caCertificate, user, token, user);
        return write(file, kubeconfig);
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the service-account signing key: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Path write(Path file, String content) throws IOException {
        Files.writeString(file, content);
        return file;
    }
}
