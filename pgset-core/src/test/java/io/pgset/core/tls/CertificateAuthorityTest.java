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
    void issuedReportsTheValidityTheCertificateStatesToTheSecond() {
        Instant now = Instant.parse("2026-11-24T12:00:00.789Z");
        CertificateAuthority.Issued issued = CA.issueServer(List.of("demo-0"), List.of(), Duration.ofDays(1), now);
        X509Certificate cert = CertificateAuthority.parseCertificate(issued.certificatePem());
        assertThat(issued.notBefore()).isEqualTo(cert.getNotBefore().toInstant()).isEqualTo("2026-11-24T11:55:00Z");
        assertThat(issued.notAfter()).isEqualTo(cert.getNotAfter().toInstant()).isEqualTo("2026-11-25T12:00:00Z");
    }

    @Test
    void namesAndAddressesACertificateCannotCarryAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> CA.issueServer(List.of("demo-0"), List.of("demo-0"), Duration.ofDays(1), NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an IP address")
                .hasMessageContaining("'demo-0'");
        assertThatThrownBy(() -> CA.issueServer(List.of("demo-0"), List.of("256.1.1.1"), Duration.ofDays(1), NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'256.1.1.1'");
        assertThatThrownBy(() -> CA.issueServer(List.of("demo-0"), List.of("fd00::7::1"), Duration.ofDays(1), NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'fd00::7::1'");
        assertThatThrownBy(() -> CA.issueServer(List.of("demo 0"), List.of(), Duration.ofDays(1), NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a DNS name")
                .hasMessageContaining("'demo 0'");
        assertThatThrownBy(() -> CA.issueServer(List.of(), List.of("127.0.0.1"), Duration.ofDays(1), NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one DNS name");
    }

    @Test
    void ipv6AddressesAreWrittenInSixteenOctets() throws Exception {
        X509Certificate cert = CertificateAuthority.parseCertificate(CA.issueServer(List.of("demo-0"),
                List.of("::1", "fd00::7", "10.1.2.3"), Duration.ofDays(1), NOW).certificatePem());
        assertThat(cert.getSubjectAlternativeNames()).extracting(n -> n.get(1).toString())
                .containsExactly("demo-0", "0:0:0:0:0:0:0:1", "fd00:0:0:0:0:0:0:7", "10.1.2.3");
    }

    @Test
    void badPemIsRefusedSayingWhatIsWrong() throws Exception {
        String certificate = CA.certificatePem();
        assertThatThrownBy(() -> CertificateAuthority.parseCertificate(certificate.replace("-----END CERTIFICATE-----", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no '-----END CERTIFICATE-----' line");
        assertThatThrownBy(() -> CertificateAuthority.parseCertificate(certificate.replace("M", "!")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid base64");
        assertThatThrownBy(() -> CertificateAuthority.parseCertificate(
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read a PEM certificate");
        assertThatThrownBy(() -> CertificateAuthority.parseCertificate(CA.privateKeyPem()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("found 'PRIVATE KEY'");
        assertThatThrownBy(() -> CertificateAuthority.parsePrivateKey(
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("encrypted");
        assertThatThrownBy(() -> CertificateAuthority.parsePrivateKey("-----BEGIN EC PRIVATE KEY-----\n"
                + "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("encrypted");
        assertThatThrownBy(() -> CertificateAuthority.parsePrivateKey("hello"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a PEM private key");
    }

    @Test
    void keysThatAreNotEcOrNameNoCurveAreRefused() throws Exception {
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        String rsaPem = Pem.write(Pem.PRIVATE_KEY, rsa.generateKeyPair().getPrivate().getEncoded());
        assertThatThrownBy(() -> CertificateAuthority.parsePrivateKey(rsaPem))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("as an EC key");
        assertThatThrownBy(() -> CertificateAuthority.parsePrivateKey(rsaPem.replace("PRIVATE KEY", "RSA PRIVATE KEY")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("found 'RSA PRIVATE KEY'");
        byte[] noCurve = Der.sequence(Der.integer(1), Der.octetString(new byte[32]));
        assertThatThrownBy(() -> CertificateAuthority.parsePrivateKey(Pem.write(EcPrivateKeys.SEC1, noCurve)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no curve");
    }

    @Test
    void aCaKeyThatIsNotItsCertificatesIsRefused() {
        CertificateAuthority other = CertificateAuthority.create("demo", NOW);
        assertThatThrownBy(() -> CertificateAuthority.fromPem(CA.certificatePem(), other.privateKeyPem()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the key of its certificate").hasMessageContaining("CN=pgset demo CA");
    }

    @Test
    void notPemIsRefusedWithAReason() {
        assertThatThrownBy(() -> CertificateAuthority.parseCertificate("hello"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PEM certificate");
        assertThatThrownBy(() -> CertificateAuthority.parsePrivateKey(CA.certificatePem()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a PEM private key");
    }
}
