package io.pgset.core.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA's certificates and keys as another implementation reads them: openssl prints, verifies
 * and produces them here, so that an encoding only pgset's own reader accepts cannot pass.
 */
class CertificateAuthorityOpensslIT {

    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final CertificateAuthority CA = CertificateAuthority.create("demo", NOW);
    private static final Pattern KEY_ID = Pattern.compile(
            "X509v3 (Subject|Authority) Key Identifier: *\\n\\s*(?:keyid:)?([0-9A-F:]+)\\n");

    @TempDir
    Path dir;

    @Test
    void theCaIsACaForEndEntitiesOnlyThatSignsCertificatesAndCrls() throws Exception {
        String text = openssl("x509", "-noout", "-text", "-in", write("ca.pem", CA.certificatePem()));

        assertThat(text).contains("Subject: CN = pgset demo CA, O = pgset", "Issuer: CN = pgset demo CA, O = pgset",
                "Signature Algorithm: ecdsa-with-SHA256", "ASN1 OID: prime256v1",
                "X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:0",
                "X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign",
                "X509v3 Subject Key Identifier");
        assertThat(text).doesNotContain("Authority Key Identifier", "Extended Key Usage", "Alternative Name");
        assertThat(keyIds(text)).containsOnlyKeys("Subject");
        assertThat(openssl("verify", "-CAfile", dir.resolve("ca.pem").toString(), dir.resolve("ca.pem").toString()))
                .contains("ca.pem: OK");
    }

    @Test
    void serverCertificatesCarryTheirExtensionsAndNamesAndVerifyAsServers() throws Exception {
        String ca = write("ca.pem", CA.certificatePem());
        CertificateAuthority.Issued issued = CA.issueServer(List.of("demo-0", "demo-0.demo.prod.svc"),
                List.of("127.0.0.1", "fd00::7"), Duration.ofDays(90), NOW);
        String server = write("server.pem", issued.certificatePem());
        String text = openssl("x509", "-noout", "-text", "-in", server);

        assertThat(text).contains("Subject: CN = demo-0, O = pgset", "Issuer: CN = pgset demo CA, O = pgset",
                "Not Before: Nov 24 11:55:00 2026 GMT", "Not After : Feb 22 12:00:00 2027 GMT",
                "X509v3 Basic Constraints: critical\n                CA:FALSE",
                "X509v3 Key Usage: critical\n                Digital Signature, Key Agreement",
                "X509v3 Extended Key Usage: \n                TLS Web Server Authentication, TLS Web Client Authentication",
                "X509v3 Subject Alternative Name: \n                DNS:demo-0, DNS:demo-0.demo.prod.svc,"
                        + " IP Address:127.0.0.1, IP Address:FD00:0:0:0:0:0:0:7");
        assertThat(keyIds(text).get("Authority")).isEqualTo(
                keyIds(openssl("x509", "-noout", "-text", "-in", ca)).get("Subject"));
        assertThat(keyIds(text).get("Subject")).isNotEqualTo(keyIds(text).get("Authority"));
        assertThat(openssl("verify", "-CAfile", ca, "-purpose", "sslserver", server)).contains("server.pem: OK");
        assertThat(openssl("verify", "-CAfile", ca, "-purpose", "sslclient", server)).contains("server.pem: OK");
        assertThat(sameKey(server, write("server.key", issued.privateKeyPem()))).isTrue();
    }

    @Test
    void clientCertificatesNameTheRoleAndAreRefusedAsServers() throws Exception {
        String ca = write("ca.pem", CA.certificatePem());
        CertificateAuthority.Issued issued = CA.issueClient("pgset_replication", Duration.ofDays(90), NOW);
        String client = write("client.pem", issued.certificatePem());
        String text = openssl("x509", "-noout", "-text", "-in", client);

        assertThat(text).contains("Subject: CN = pgset_replication, O = pgset",
                "X509v3 Basic Constraints: critical\n                CA:FALSE",
                "X509v3 Key Usage: critical\n                Digital Signature, Key Agreement",
                "X509v3 Extended Key Usage: \n                TLS Web Client Authentication\n",
                "X509v3 Authority Key Identifier", "X509v3 Subject Key Identifier");
        assertThat(text).doesNotContain("Alternative Name", "Server Authentication");
        assertThat(openssl("verify", "-CAfile", ca, "-purpose", "sslclient", client)).contains("client.pem: OK");
        Result asServer = run("openssl", "verify", "-CAfile", ca, "-purpose", "sslserver", client);
        assertThat(asServer.exit()).isNotZero();
        assertThat(asServer.output()).contains("unsuitable certificate purpose");
        assertThat(sameKey(client, write("client.key", issued.privateKeyPem()))).isTrue();
    }

    @Test
    void validityIsUtcTimeUntil2049AndGeneralizedTimeFrom2050() throws Exception {
        Instant lateIn2049 = Instant.parse("2049-12-31T23:00:00Z");
        String pem = write("cert.pem", CA.issueClient("app", Duration.ofDays(2), lateIn2049).certificatePem());

        String asn1 = openssl("asn1parse", "-in", pem);
        assertThat(asn1).contains("UTCTIME           :491231225500Z", "GENERALIZEDTIME   :20500102230000Z");
        assertThat(openssl("x509", "-noout", "-enddate", "-in", pem)).contains("notAfter=Jan  2 23:00:00 2050 GMT");
        assertThat(CertificateAuthority.parseCertificate(Files.readString(Path.of(pem))).getNotAfter().toInstant())
                .isEqualTo(Instant.parse("2050-01-02T23:00:00Z"));
    }

    @Test
    void aCaWithAnOpensslSec1KeySignsCertificatesThatVerify() throws Exception {
        String key = dir.resolve("own-ca.key").toString();
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key);
        assertThat(Files.readString(Path.of(key))).startsWith("-----BEGIN EC PRIVATE KEY-----");
        String ca = dir.resolve("own-ca.pem").toString();
        openssl("req", "-x509", "-new", "-key", key, "-subj", "/CN=Own CA/O=Example", "-days", "30", "-out", ca);

        CertificateAuthority own = CertificateAuthority.fromPem(Files.readString(Path.of(ca)), Files.readString(Path.of(key)));
        String server = write("server.pem", own.issueServer(List.of("demo-0"), List.of("127.0.0.1"),
                Duration.ofDays(1), Instant.now()).certificatePem());

        assertThat(openssl("verify", "-CAfile", ca, "-purpose", "sslserver", server)).contains("server.pem: OK");
        assertThat(openssl("x509", "-noout", "-issuer", "-in", server)).contains("issuer=CN = Own CA, O = Example");
    }

    @Test
    void anOpensslSec1KeyAfterItsCurveParametersIsRead() throws Exception {
        String key = dir.resolve("with-parameters.key").toString();
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", key);
        assertThat(Files.readString(Path.of(key))).startsWith("-----BEGIN EC PARAMETERS-----")
                .contains("-----BEGIN EC PRIVATE KEY-----");
        String pkcs8 = openssl("pkey", "-in", key);

        assertThat(pkcs8).startsWith("-----BEGIN PRIVATE KEY-----");
        ECPrivateKey sec1 = (ECPrivateKey) CertificateAuthority.parsePrivateKey(Files.readString(Path.of(key)));
        assertThat(sec1.getS()).isEqualTo(((ECPrivateKey) CertificateAuthority.parsePrivateKey(pkcs8)).getS());
        assertThat(sec1.getParams().getOrder().bitLength()).isEqualTo(256);
    }

    /** Whether the certificate's public key is the private key's (openssl derives it from the key). */
    private boolean sameKey(String certificate, String key) throws Exception {
        return openssl("x509", "-noout", "-pubkey", "-in", certificate).equals(openssl("pkey", "-pubout", "-in", key));
    }

    private static java.util.Map<String, String> keyIds(String text) {
        java.util.Map<String, String> ids = new java.util.HashMap<>();
        Matcher m = KEY_ID.matcher(text);
        while (m.find()) {
            ids.put(m.group(1), m.group(2));
        }
        return ids;
    }

    private String write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content).toString();
    }

    private static String openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Result result = run(command.toArray(String[]::new));
        assertThat(result.exit()).as("%s: %s", command, result.output()).isZero();
        return result.output();
    }

    record Result(int exit, String output) {}

    private static Result run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ended", List.of(command)).isTrue();
            return new Result(process.exitValue(), output);
        } finally {
            process.destroyForcibly();
        }
    }
}
