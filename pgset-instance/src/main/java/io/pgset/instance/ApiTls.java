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
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
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
    private static final char[] NO_PASSWORD = new char[0];

    private ApiTls() {}

    /** The CA kept in a secrets directory ({@code ca.crt}, {@code ca.key}). */
    public static CertificateAuthority authority(Path secrets) throws IOException {
        return CertificateAuthority.fromPem(Files.readString(secrets.resolve(InstanceTls.CA_CERTIFICATE)),
                Files.readString(secrets.resolve(InstanceTls.CA_KEY)));
    }

    /**
     * A server's TLS: one SSLContext for the server's life, whose certificate {@link #renew} swaps
     * (new connections get the new one; open ones keep theirs).
     */
    public static final class ServerTls {
        private final Supplier<CertificateAuthority.Issued> issue;
        private final CertificateAuthority ca;
        private final Swappable keys = new Swappable();
        private final SSLContext context;
        private volatile Instant renewAt;

        private ServerTls(CertificateAuthority ca, Supplier<CertificateAuthority.Issued> issue) {
            this.ca = ca;
            this.issue = issue;
            renew();
            try {
                context = SSLContext.getInstance(PROTOCOL);
                // No trust managers rather than null: null loads the JDK's ~140 root certificates
                // (a few MB of heap) to check client certificates these servers never ask for.
                context.init(new KeyManager[] {keys}, new TrustManager[0], null);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS for an API: " + e.getMessage(), e);
            }
        }

        public SSLContext context() {
            return context;
        }

        /** When the certificate in use is due for renewal (two thirds into its validity). */
        public Instant renewAt() {
            return renewAt;
        }

        /** Issues a new certificate and serves it from now on; returns when that one is due. */
        public Instant renew() {
            CertificateAuthority.Issued issued = issue.get();
            keys.delegate = keyManager(ca, issued);
            renewAt = issued.renewAt();
            return renewAt;
        }
    }

    /** TLS for a server with a certificate for these names, each certificate valid {@code validity}. */
    public static ServerTls server(CertificateAuthority ca, List<String> dnsNames, List<String> ips, Duration validity) {
        return new ServerTls(ca, () -> ca.issueServer(dnsNames, ips, validity, Instant.now()));
    }

    private static X509ExtendedKeyManager keyManager(CertificateAuthority ca, CertificateAuthority.Issued issued) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("api", CertificateAuthority.parsePrivateKey(issued.privateKeyPem()), NO_PASSWORD,
                    new Certificate[] {CertificateAuthority.parseCertificate(issued.certificatePem()), ca.certificate()});
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, NO_PASSWORD);
            for (KeyManager manager : factory.getKeyManagers()) {
                if (manager instanceof X509ExtendedKeyManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X.509 key manager in this Java runtime");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS for an API: " + e.getMessage(), e);
        }
    }

    /** Hands each new TLS handshake to the key manager of the current certificate. */
    private static final class Swappable extends X509ExtendedKeyManager {
        volatile X509ExtendedKeyManager delegate;

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return delegate.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return delegate.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return delegate.chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
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
