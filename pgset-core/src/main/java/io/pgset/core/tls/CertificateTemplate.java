package io.pgset.core.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * An X.509 v3 certificate before it is signed (RFC 5280 4.1: the TBSCertificate), and its signing
 * with ECDSA over SHA-256. Names are DER-encoded already: a subject made here by {@link #name}, an
 * issuer copied from the CA certificate byte for byte, so that the chain matches whatever encoding
 * the CA's own certificate chose.
 *
 * @param issuer  the issuer's encoded Name
 * @param subject the subject's encoded Name
 */
record CertificateTemplate(BigInteger serial, byte[] issuer, Instant notBefore, Instant notAfter, byte[] subject,
                           PublicKey subjectKey, List<Extension> extensions) {

    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String ORGANIZATION = "2.5.4.10";
    private static final String ORGANIZATION_NAME = "pgset";

    /** One extension: its OID, whether it is critical, and its encoded value. */
    record Extension(String oid, boolean critical, byte[] value) {
        byte[] encoded() {
            // DER leaves out a BOOLEAN equal to its DEFAULT (critical is FALSE by default)
            return critical ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                    : Der.sequence(Der.oid(oid), Der.octetString(value));
        }
    }

    /** {@code CN=<commonName>,O=pgset}, both as UTF8String (RFC 5280 4.1.2.4), in that order. */
    static byte[] name(String commonName) {
        return Der.sequence(attribute(COMMON_NAME, commonName), attribute(ORGANIZATION, ORGANIZATION_NAME));
    }

    byte[] tbs() {
        byte[][] encodedExtensions = extensions.stream().map(Extension::encoded).toArray(byte[][]::new);
        return Der.sequence(
                Der.explicit(0, Der.integer(2)), // v3
                Der.integer(serial),
                signatureAlgorithm(),
                issuer,
                Der.sequence(Der.time(notBefore), Der.time(notAfter)),
                subject,
                subjectKey.getEncoded(), // SubjectPublicKeyInfo, as X.509 wants it
                Der.explicit(3, Der.sequence(encodedExtensions)));
    }

    /** Signed by {@code signer} (an EC key) and read back by the JDK's certificate parser. */
    X509Certificate sign(PrivateKey signer) throws GeneralSecurityException {
        byte[] tbs = tbs();
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(signer);
        signature.update(tbs);
        byte[] certificate = Der.sequence(tbs, signatureAlgorithm(), Der.bitString(signature.sign()));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate));
    }

    /** ecdsa-with-SHA256, whose parameters are absent (RFC 5758 3.2). */
    private static byte[] signatureAlgorithm() {
        return Der.sequence(Der.oid(ECDSA_WITH_SHA256));
    }

    private static byte[] attribute(String oid, String value) {
        return Der.set(Der.sequence(Der.oid(oid), Der.utf8String(value)));
    }
}
