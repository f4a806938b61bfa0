package io.pgset.core.tls;

import io.pgset.core.tls.CertificateExtensions.KeyPurpose;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A cluster's own certificate authority: an EC P-256 key and a self-signed certificate that signs
 * the instances' server certificates and the replication user's client certificate. Pure: keys
 * and certificates go in and out as PEM text; where they are kept is the runtime's business.
 * Built on the JDK alone ({@link CertificateTemplate} encodes, {@code java.security} signs), so
 * that the daemons, which issue certificates at start, load no cryptography library of their own.
 */
public final class CertificateAuthority {

    /** How long a CA lives; the certificates it signs live {@code tls.validityDays}. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** Backdating absorbs small clock differences between the machines of a cluster. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A certificate and its private key, as PEM, with the validity the certificate states. */
    public record Issued(String certificatePem, String privateKeyPem, BigInteger serial, Instant notBefore,
                         Instant notAfter) {
        /** When it is due for renewal: two thirds into its validity. */
        public Instant renewAt() {
            return CertificateAuthority.renewAt(notBefore, notAfter);
        }
    }

    /** A new CA for this cluster, valid from {@code now} for {@link #CA_VALIDITY}. */
    public static CertificateAuthority create(String cluster, Instant now) {
        KeyPair pair = newKeyPair();
        byte[] subject = CertificateTemplate.name("pgset " + cluster + " CA");
        try {
            CertificateTemplate template = new CertificateTemplate(serial(), subject, validFrom(now),
                    seconds(now.plus(CA_VALIDITY)), subject, pair.getPublic(),
                    CertificateExtensions.authority(pair.getPublic()));
            return new CertificateAuthority(template.sign(pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the CA of " + cluster + ": " + e.getMessage(), e);
        }
    }

    /**
     * The CA kept as PEM text (certificate and private key).
     *
     * @throws IllegalArgumentException either is unreadable, or the key is not the certificate's (a
     *                                  CA brought by hand from two places), which would sign
     *                                  certificates that nothing verifies
     */
    public static CertificateAuthority fromPem(String certificatePem, String privateKeyPem) {
        X509Certificate certificate = parseCertificate(certificatePem);
        PrivateKey key = parsePrivateKey(privateKeyPem);
        if (!KeyMatch.belongsTo(key, certificate.getPublicKey())) {
            throw new IllegalArgumentException("the CA's private key is not the key of its certificate ("
                    + certificate.getSubjectX500Principal().getName() + "): give the key that was made with that certificate");
        }
        return new CertificateAuthority(certificate, key);
    }

    /**
     * As {@link #fromPem}, for a pair whose key was proven to be the certificate's before (pgset-instance's
     * {@code ApiTls.authority} records which pairs were): parsed only.
     *
     * @throws IllegalArgumentException either is unreadable
     */
    public static CertificateAuthority fromCheckedPem(String certificatePem, String privateKeyPem) {
        return new CertificateAuthority(parseCertificate(certificatePem), parsePrivateKey(privateKeyPem));
    }

    public String certificatePem() {
        return pem(certificate);
    }

    public String privateKeyPem() {
        return pem(key);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * A server certificate (also good as a client certificate, for instance-to-instance calls).
     *
     * @param dnsNames DNS subject alternative names; the first is also the common name
     * @param ips      IP address subject alternative names
     */
    public Issued issueServer(List<String> dnsNames, List<String> ips, Duration validity, Instant now) {
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one DNS name (its common name)");
        }
        return issue(dnsNames.get(0), SubjectAltNames.of(dnsNames, ips),
                EnumSet.of(KeyPurpose.SERVER_AUTH, KeyPurpose.CLIENT_AUTH), validity, now);
    }

    /** A client certificate whose common name is a database role (for pg_hba's {@code cert} method). */
    public Issued issueClient(String role, Duration validity, Instant now) {
        return issue(role, SubjectAltNames.of(List.of(), List.of()), EnumSet.of(KeyPurpose.CLIENT_AUTH), validity,
                now);
    }

    private Issued issue(String commonName, SubjectAltNames altNames, Set<KeyPurpose> purposes, Duration validity,
                         Instant now) {
        KeyPair pair = newKeyPair();
        Instant notBefore = validFrom(now);
        Instant notAfter = seconds(now.plus(validity));
        BigInteger serial = serial();
        try {
            CertificateTemplate template = new CertificateTemplate(serial,
                    certificate.getSubjectX500Principal().getEncoded(), notBefore, notAfter,
                    CertificateTemplate.name(commonName), pair.getPublic(),
                    CertificateExtensions.endEntity(purposes, CertificateExtensions.authorityKeyId(certificate),
                            pair.getPublic(), altNames));
            X509Certificate issued = template.sign(key);
            return new Issued(pem(issued), pem(pair.getPrivate()), serial, notBefore, notAfter);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName + ": " + e.getMessage(), e);
        }
    }

    /** Two thirds into the validity: early enough that a renewal that fails has time to be retried. */
    public static Instant renewAt(Instant notBefore, Instant notAfter) {
        return notBefore.plus(Duration.between(notBefore, notAfter).multipliedBy(2).dividedBy(3));
    }

    /** The first PEM block of {@code pem}, which must be a certificate. */
    public static X509Certificate parseCertificate(String pem) {
        List<Pem.Block> blocks;
        try {
            blocks = Pem.read(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read a PEM certificate: " + e.getMessage(), e);
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("not a PEM certificate: no '-----BEGIN CERTIFICATE-----' line");
        }
        if (!blocks.get(0).label().equals(Pem.CERTIFICATE)) {
            throw new IllegalArgumentException("not a PEM certificate: found '" + blocks.get(0).label()
                    + "' where 'CERTIFICATE' was expected");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(blocks.get(0).der()));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("cannot read a PEM certificate: " + e.getMessage(), e);
        }
    }

    /**
     * An EC private key, unencrypted: PKCS#8 ({@code BEGIN PRIVATE KEY}) or SEC1 ({@code BEGIN EC
     * PRIVATE KEY}, as {@code openssl ecparam -genkey} writes it).
     */
    public static PrivateKey parsePrivateKey(String pem) {
        return EcPrivateKeys.parse(pem);
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 keys are part of every Java runtime", e);
        }
    }

    /** Positive, at most 127 bits, never zero: within RFC 5280's 20 octets and never negative. */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static Instant validFrom(Instant now) {
        return seconds(now.minus(BACKDATE));
    }

    /** Certificates state times to the second; what {@link Issued} reports is what they state. */
    private static Instant seconds(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS);
    }

    /** Unencrypted PKCS#8 ("BEGIN PRIVATE KEY"), which libpq and Java both read; the JDK's encoding is PKCS#8. */
    private static String pem(PrivateKey privateKey) {
        return Pem.write(Pem.PRIVATE_KEY, privateKey.getEncoded());
    }

    private static String pem(X509Certificate x509) {
        try {
            return Pem.write(Pem.CERTIFICATE, x509.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the certificate of "
                    + x509.getSubjectX500Principal().getName() + ": " + e.getMessage(), e);
        }
    }
}
