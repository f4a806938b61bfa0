package io.pgset.core.tls;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;

/**
 * EC private keys read from PEM: unencrypted PKCS#8 ({@code PRIVATE KEY}, what pgset writes) and
 * SEC1 ({@code EC PRIVATE KEY}, RFC 5915, what {@code openssl ecparam -genkey} writes), which is
 * wrapped into PKCS#8 here because that is the form the JDK's key factory reads.
 */
final class EcPrivateKeys {

    static final String SEC1 = "EC PRIVATE KEY";
    /** {@code openssl ecparam -genkey} without {@code -noout} writes the curve's name before the key. */
    private static final String EC_PARAMETERS = "EC PARAMETERS";
    private static final String EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1";

    private EcPrivateKeys() {}

    static PrivateKey parse(String pem) {
        List<Pem.Block> blocks = Pem.read(pem).stream().filter(b -> !b.label().equals(EC_PARAMETERS)).toList();
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("not a PEM private key: no '-----BEGIN PRIVATE KEY-----' or '-----BEGIN "
                    + SEC1 + "-----' line");
        }
        Pem.Block block = blocks.get(0);
        byte[] pkcs8 = switch (block.label()) {
            case Pem.PRIVATE_KEY -> block.der();
            case SEC1 -> pkcs8(block.der());
            case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("the PEM private key is encrypted;"
                    + " give it unencrypted (openssl pkey -in key.pem -out plain-key.pem)");
            default -> throw new IllegalArgumentException("not a PEM private key pgset can use: found '" + block.label()
                    + "', expected an EC key as 'PRIVATE KEY' (PKCS#8) or '" + SEC1 + "' (SEC1)");
        };
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the PEM private key as an EC key (pgset's CA keys are EC"
                    + " P-256): " + e.getMessage(), e);
        }
    }

    /**
     * PKCS#8's PrivateKeyInfo around a SEC1 ECPrivateKey: version 0, the algorithm id-ecPublicKey
     * with the curve SEC1 names in its {@code [0] parameters}, and the SEC1 structure itself.
     */
    static byte[] pkcs8(byte[] sec1) {
        try {
            Der.Element key = Der.read(sec1);
            List<Der.Element> fields = key.children();
            if (key.tag() != Der.SEQUENCE || fields.size() < 2 || fields.get(0).tag() != Der.INTEGER
                    || fields.get(1).tag() != Der.OCTET_STRING) {
                throw new IllegalArgumentException("not a SEC1 ECPrivateKey structure");
            }
            if (!java.util.Arrays.equals(fields.get(0).content(), new byte[] {1})) {
                throw new IllegalArgumentException("SEC1 ECPrivateKey version is not 1");
            }
            Der.Element curve = fields.stream().filter(f -> f.tag() == Der.explicitTag(0)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("it names no curve (no [0] parameters)"));
            return Der.sequence(Der.integer(0), Der.sequence(Der.oid(EC_PUBLIC_KEY_OID), curve.content()),
                    Der.octetString(sec1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the PEM '" + SEC1 + "': " + e.getMessage(), e);
        }
    }
}
