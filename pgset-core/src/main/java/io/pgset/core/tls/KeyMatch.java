package io.pgset.core.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Whether a private key is the one of a public key: what it signs, the public key verifies. The JDK
 * has no public way to derive an EC public key from its private key, and a signature checks any
 * key type the same way.
 */
final class KeyMatch {

    private static final byte[] PROBE = "pgset: does this key belong to this certificate?".getBytes(StandardCharsets.US_ASCII);

    private KeyMatch() {}

    static boolean belongsTo(PrivateKey key, PublicKey publicKey) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a public key of another type (RSA, say) cannot be this EC key's
        }
    }
}
