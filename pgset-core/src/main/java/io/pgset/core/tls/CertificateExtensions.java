package io.pgset.core.tls;

import io.pgset.core.tls.CertificateTemplate.Extension;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The extensions of pgset's certificates (RFC 5280 4.2.1): those of the CA, and those of the
 * certificates it issues to servers and clients.
 */
final class CertificateExtensions {

    private static final String SUBJECT_KEY_IDENTIFIER = "2.5.29.14";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String AUTHORITY_KEY_IDENTIFIER = "2.5.29.35";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";

    /** keyUsage bits (the first byte's high bit is bit 0) and the unused bits of that byte. */
    private static final byte[] KEY_CERT_SIGN_CRL_SIGN = {0x06};
    private static final int KEY_CERT_SIGN_CRL_SIGN_UNUSED = 1;
    private static final byte[] DIGITAL_SIGNATURE_KEY_AGREEMENT = {(byte) 0x88};
    private static final int DIGITAL_SIGNATURE_KEY_AGREEMENT_UNUSED = 3;

    private CertificateExtensions() {}

    /** What an issued certificate may be used for (extendedKeyUsage), in the order they are listed. */
    enum KeyPurpose {
        SERVER_AUTH("1.3.6.1.5.5.7.3.1"),
        CLIENT_AUTH("1.3.6.1.5.5.7.3.2");

        final String oid;

        KeyPurpose(String oid) {
            this.oid = oid;
        }
    }

    /** A CA that signs end-entity certificates only (pathLen 0), and nothing but certificates and CRLs. */
    static List<Extension> authority(PublicKey key) {
        return List.of(
                new Extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true), Der.integer(0))),
                new Extension(KEY_USAGE, true, Der.bitString(KEY_CERT_SIGN_CRL_SIGN, KEY_CERT_SIGN_CRL_SIGN_UNUSED)),
                new Extension(SUBJECT_KEY_IDENTIFIER, false, Der.octetString(keyIdentifier(key))));
    }

    /**
     * A certificate that is not a CA, for the given purposes, naming its issuer's key and its own,
     * with the subject alternative names when there are any.
     */
    static List<Extension> endEntity(Set<KeyPurpose> purposes, byte[] authorityKeyId, PublicKey key,
                                     SubjectAltNames altNames) {
        byte[][] purposeOids = purposes.stream().sorted().map(p -> Der.oid(p.oid)).toArray(byte[][]::new);
        List<Extension> extensions = new ArrayList<>(List.of(
                new Extension(BASIC_CONSTRAINTS, true, Der.sequence()), // cA defaults to FALSE
                new Extension(KEY_USAGE, true,
                        Der.bitString(DIGITAL_SIGNATURE_KEY_AGREEMENT, DIGITAL_SIGNATURE_KEY_AGREEMENT_UNUSED)),
                new Extension(EXTENDED_KEY_USAGE, false, Der.sequence(purposeOids)),
                new Extension(AUTHORITY_KEY_IDENTIFIER, false, Der.sequence(Der.implicit(0, authorityKeyId))),
                new Extension(SUBJECT_KEY_IDENTIFIER, false, Der.octetString(keyIdentifier(key)))));
        if (!altNames.isEmpty()) {
            extensions.add(new Extension(SUBJECT_ALT_NAME, false, altNames.encoded()));
        }
        return extensions;
    }

    /**
     * The key identifier a CA's certificates name it by: its subjectKeyIdentifier when it has one
     * (a CA a user brought may have chosen its own), else one computed from its key.
     */
    static byte[] authorityKeyId(X509Certificate ca) {
        byte[] extension = ca.getExtensionValue(SUBJECT_KEY_IDENTIFIER);
        if (extension == null) {
            return keyIdentifier(ca.getPublicKey());
        }
        // getExtensionValue wraps the extension's value (itself an OCTET STRING) in an OCTET STRING
        return Der.read(Der.read(extension).content()).content();
    }

    /** RFC 5280 4.2.1.2 (1): the SHA-1 of the subjectPublicKey BIT STRING's bits. */
    static byte[] keyIdentifier(PublicKey key) {
        List<Der.Element> info = Der.read(key.getEncoded()).children();
        byte[] bits = info.get(1).content();
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(bits, 1, bits.length - 1); // after the unused-bits octet
            return sha1.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }
}
