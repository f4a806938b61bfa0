package io.pgset.instance;

import io.pgset.core.tls.CertificateAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * TLS for the HTTP APIs of instances and controllers: servers present a certificate from the
 * cluster CA, clients trust that CA alone (pinned), and both speak TLS 1.3 only. The bearer token
 * is still required on top.
 */
public final class ApiTls {

    public static final String PROTOCOL = "TLSv1.3";

    private ApiTls() {}

    /** Records, in a secrets directory, which CA files were found to belong together (see {@link #authority}). */
    static final String CA_CHECKED = "ca.checked";

    /**
     * The CA kept in a secrets directory ({@code ca.crt}, {@code ca.key}). That the key is the
     * certificate's is proven once for each pair of files (a signature made and verified: 30-40 ms
     * of CPU in a JVM just started, and each daemon loaded the CA once or twice as it started, on
     * its way to its API and its certificates) and recorded in {@value #CA_CHECKED}, as a digest of
     * both files; a pair whose digest is recorded is only parsed. Whoever could write a false record
     * could as well write the key itself, and a pair changed by hand has another digest, so it is
     * checked again. Where the record cannot be written (a pod's read-only Secret), every load checks.
     */
    public static CertificateAuthority authority(Path secrets) throws IOException {
        String certificate = Files.readString(secrets.resolve(InstanceTls.CA_CERTIFICATE));
        String key = Files.readString(secrets.resolve(InstanceTls.CA_KEY));
        Path record = secrets.resolve(CA_CHECKED);
        if (Files.isRegularFile(record) && Files.readString(record).strip().equals(digest(certificate, key))) {
            return CertificateAuthority.fromCheckedPem(certificate, key);
        }
        CertificateAuthority ca = CertificateAuthority.fromPem(certificate, key);
        recordChecked(secrets, certificate, key);
        return ca;
    }

    /**
     * Records that these CA files belong together, for {@link #authority}: after its check, or by
     * whoever just made the pair. A record that cannot be written only means the next load checks.
     */
    public static void recordChecked(Path secrets, String certificatePem, String privateKeyPem) {
        try {
            DurableFiles.writePrivate(secrets.resolve(CA_CHECKED), digest(certificatePem, privateKeyPem) + "\n");
        } catch (IOException e) {
            // checked again at the next load
        }
    }

    private static String digest(String certificatePem, String privateKeyPem) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(certificatePem.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(privateKeyPem.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha256:" + java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * A server's TLS: one SSLContext for the server's life, whose certificate {@link #renew} swaps
     * (new connections get the new one; open ones keep theirs). Nothing is issued or set up until
     * the first handshake (or a renewal) needs it: most of these servers are only ever called on
     * their local socket, and the certificate and JSSE's setup cost each JVM 50-70 ms of CPU at
     * start.
     */
    public static final class ServerTls {
        private final Supplier<CertificateAuthority.Issued> issue;
        private final CertificateAuthority ca;
        private final Swappable keys = new Swappable();
        private final SSLContext context = new DeferredSslContext(PROTOCOL, this::make);
        /** Null until the first certificate is issued. */
        private volatile Instant renewAt;

        ServerTls(CertificateAuthority ca, Supplier<CertificateAuthority.Issued> issue) {
            this.ca = ca;
            this.issue = issue;
        }

        private SSLContext make() {
            synchronized (keys) {
                if (renewAt == null) {
                    renew();
                }
            }
            try {
                SSLContext made = SSLContext.getInstance(PROTOCOL);
                // No trust managers rather than null: null loads the JDK's ~140 root certificates
                // (a few MB of heap) to check client certificates these servers never ask for.
                made.init(new KeyManager[] {keys}, new TrustManager[0], null);
                return made;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS for an API: " + e.getMessage(), e);
            }
        }

        public SSLContext context() {
            return context;
        }

        /**
         * When the certificate in use is due for renewal (two thirds into its validity); never while
         * none has been issued, since the first handshake issues a new one.
         */
        public Instant renewAt() {
            Instant due = renewAt;
            return due == null ? Instant.MAX : due;
        }

        /** Issues a new certificate and serves it from now on; returns when that one is due. */
        public Instant renew() {
            synchronized (keys) {
                CertificateAuthority.Issued issued = issue.get();
                keys.serve(Served.of(ca, issued));
                renewAt = issued.renewAt();
                return renewAt;
            }
        }
    }

    /** TLS for a server with a certificate for these names, each certificate valid {@code validity}. */
    public static ServerTls server(CertificateAuthority ca, List<String> dnsNames, List<String> ips, Duration validity) {
        return new ServerTls(ca, () -> ca.issueServer(dnsNames, ips, validity, Instant.now()));
    }

    /**
     * The certificate and key a handshake is to present, held as they are: a PKCS12 key store, the
     * JDK's way to a key manager, encrypts the key on the way in and decrypts it on the way out
     * (PBKDF2 with 10,000 rounds each way), which cost each API server 40-110 ms of CPU at start.
     */
    record Served(String alias, PrivateKey key, X509Certificate[] chain) {

        static Served of(CertificateAuthority ca, CertificateAuthority.Issued issued) {
            X509Certificate certificate = CertificateAuthority.parseCertificate(issued.certificatePem());
            return new Served("api-" + certificate.getSerialNumber().toString(16),
                    CertificateAuthority.parsePrivateKey(issued.privateKeyPem()),
                    new X509Certificate[] {certificate, ca.certificate()});
        }

        /**
         * Whether the JSSE key type asked for is this key's: its algorithm ({@code EC}), with
         * TLS 1.2's signer after an underscore ({@code EC_EC}) naming the algorithm that signed it.
         */
        boolean fits(String keyType) {
            if (keyType == null) {
                return false;
            }
            int split = keyType.indexOf('_');
            String algorithm = split < 0 ? keyType : keyType.substring(0, split);
            return algorithm.equals(key.getAlgorithm()) && (split < 0
                    || chain[0].getSigAlgName().toUpperCase(java.util.Locale.ROOT).contains("WITH" + keyType.substring(split + 1)));
        }
    }

    /**
     * Presents the current certificate to each new handshake. The one before it still answers
     * for its own alias, so that a handshake that chose it just before a renewal gets its matching
     * key and chain.
     */
    static final class Swappable extends X509ExtendedKeyManager {
        private volatile Served current;
        private volatile Served previous;

        void serve(Served next) {
            previous = current;
            current = next;
        }

        private String choose(String keyType) {
            Served now = current;
            return now.fits(keyType) ? now.alias() : null;
        }

        private String choose(String[] keyTypes) {
            for (String keyType : keyTypes == null ? new String[0] : keyTypes) {
                String alias = choose(keyType);
                if (alias != null) {
                    return alias;
                }
            }
            return null;
        }

        private Served named(String alias) {
            for (Served served : new Served[] {current, previous}) {
                if (served != null && served.alias().equals(alias)) {
                    return served;
                }
            }
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            String alias = choose(keyType);
            return alias == null ? null : new String[] {alias};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return choose(keyType);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return choose(keyType);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return choose(keyType);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return choose(keyType);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Served served = named(alias);
            return served == null ? null : served.chain().clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Served served = named(alias);
            return served == null ? null : served.key();
        }
    }

    /** A client context that trusts only the cluster CA in {@code caFile}. */
    public static SSLContext client(Path caFile) throws IOException {
        return client(Files.readString(caFile), caFile.toString());
    }

    /** A client context that trusts only the cluster CA given as PEM text, from {@code source}. */
    public static SSLContext client(String caPem, String source) throws IOException {
        X509Certificate ca = CertificateAuthority.parseCertificate(caPem);
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("cluster-ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the cluster CA " + source + ": " + e.getMessage(), e);
        }
    }
}
