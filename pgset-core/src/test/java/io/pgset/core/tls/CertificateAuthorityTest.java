package io.pgset.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    static final CertificateAuthority CA = CertificateAuthority.create("demo", NOW);

    @Test
    void theCaIsASelfSignedEcCaThatSurvivesAPemRoundTrip() throws Exception {
        X509Certificate ca = CA.certificate();
        assertThat(ca.getBasicConstraints()).isZero();
        assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ca.getSubjectX500Principal().getName()).contains("CN=pgset demo CA");
        ca.verify(ca.getPublicKey());

        CertificateAuthority again = CertificateAuthority.fromPem(CA.certificatePem(), CA.privateKeyPem());
        assertThat(again.certificate()).isEqualTo(ca);
        assertThat(CA.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        CertificateAuthority.Issued issued = again.issueServer(List.of("demo-0"), List.of(), Duration.ofDays(1), NOW);
        CertificateAuthority.parseCertificate(issued.certificatePem()).verify(ca.getPublicKey());
    }

    @Test
    void serverCertificatesCarryEveryNameAndAddressAndTheRequestedValidity() throws Exception {
        CertificateAuthority.Issued issued = CA.issueServer(TlsNames.server("demo", 1, "prod"), List.of("127.0.0.1"),
                Duration.ofDays(90), NOW);
        X509Certificate cert = CertificateAuthority.parseCertificate(issued.certificatePem());

        cert.verify(CA.certificate().getPublicKey());
        assertThat(cert.getSubjectAlternativeNames()).extracting(n -> n.get(1).toString()).contains(
                "localhost", "127.0.0.1", "demo-1", "demo-1.demo", "demo-rw", "demo-ro", "demo-r",
                "demo-1.demo.prod.svc", "demo-1.demo.prod.svc.cluster.local", "demo-rw.prod.svc",
                "demo-ro.prod.svc.cluster.local");
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=demo-1");
        assertThat(cert.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(90)));
        assertThat(issued.notAfter()).isEqualTo(NOW.plus(Duration.ofDays(90)));
        assertThat(issued.serial()).isEqualTo(cert.getSerialNumber());
        assertThat(CertificateAuthority.parsePrivateKey(issued.privateKeyPem()).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void clientCertificatesNameTheRoleAndAreForClientsOnly() throws Exception {
        X509Certificate cert = CertificateAuthority.parseCertificate(
                CA.issueClient("pgset_replication", Duration.ofDays(90), NOW).certificatePem());
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=pgset_replication");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(cert.getSubjectAlternativeNames()).isNull();
    }

    @Test
    void renewalIsDueTwoThirdsIntoTheValidity() {
        CertificateAuthority.Issued issued = CA.issueServer(List.of("demo-0"), List.of(), Duration.ofDays(90), NOW);
        Duration lifetime = Duration.between(issued.notBefore(), issued.notAfter());
        assertThat(Duration.between(issued.notBefore(), issued.renewAt())).isEqualTo(lifetime.multipliedBy(2).dividedBy(3));
        assertThat(issued.renewAt()).isAfter(NOW.plus(Duration.ofDays(59))).isBefore(NOW.plus(Duration.ofDays(61)));
    }

    @Test
    void everyCertificateGetsItsOwnKeyAndSerial() {
        CertificateAuthority.Issued a = CA.issueServer(List.of("demo-0"), List.of(), Duration.ofDays(1), NOW);
        CertificateAuthority.Issued b = CA.issueServer(List.of("demo-0"), List.of(), Duration.ofDays(1), NOW);
        assertThat(a.serial()).isNotEqualTo(b.serial());
        assertThat(a.privateKeyPem()).isNotEqualTo(b.privateKeyPem());
    }

    @Test
    void notPemIsRefusedWithAReason() {
        assertThatThrownBy(() -> CertificateAuthority.parseCertificate("hello"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PEM certificate");
        assertThatThrownBy(() -> CertificateAuthority.parsePrivateKey(CA.certificatePem()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a PEM private key");
    }
}
