package io.pgset.instance;

import io.pgset.core.config.InstanceConfig;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.tls.CertificateAuthority;
import io.pgset.core.tls.TlsNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The instance's certificates, issued by the cluster CA and kept in {@code <volume>/tls/} for the
 * postgres user alone: a server certificate (postgres and the instance API), the replication
 * user's client certificate, and the CA certificate that both sides verify against. They are
 * issued when missing, when the CA changed, and two thirds into their validity.
 */
final class InstanceTls {

    /** The CA's files in the secrets directory. */
    static final String CA_CERTIFICATE = "ca.crt";
    static final String CA_KEY = "ca.key";

    private final InstanceOptions options;
    private final PostgresUser user;
    private final Clock clock;
    private final Path dir;

    InstanceTls(InstanceOptions options, PostgresUser user, Clock clock) {
        this.options = options;
        this.user = user;
        this.clock = clock;
        this.dir = options.volume().resolve("tls");
    }

    InstanceConfig.Tls files() {
        return new InstanceConfig.Tls(dir.resolve("server.crt").toString(), dir.resolve("server.key").toString(),
                dir.resolve("ca.crt").toString(), dir.resolve("replication.crt").toString(),
                dir.resolve("replication.key").toString());
    }

    Path caFile() {
        return dir.resolve("ca.crt");
    }

    /** When the server certificate expires; empty when there is none. */
    Optional<Instant> expires() {
        return current().map(c -> c.getNotAfter().toInstant());
    }

    /** Whether the server certificate is missing or two thirds into its validity at {@code now}. */
    boolean due(Instant now) {
        return current().map(c -> !now.isBefore(CertificateAuthority.renewAt(c.getNotBefore().toInstant(),
                c.getNotAfter().toInstant()))).orElse(true);
    }

    /**
     * Issues the certificates if they are missing, signed by another CA, or due for renewal (or
     * whenever {@code force}).
     *
     * @return whether new certificates were written
     */
    synchronized boolean ensure(ClusterSpec spec, boolean force) throws IOException {
        CertificateAuthority ca = ApiTls.authority(options.secrets());
        Optional<X509Certificate> current = current();
        List<String> names = TlsNames.server(spec.name(), options.ordinal(), options.namespace());
        boolean due = current.isEmpty()
                || !signedBy(current.get(), ca)
                || !covers(current.get(), names, options.host())
                || !clock.instant().isBefore(CertificateAuthority.renewAt(current.get().getNotBefore().toInstant(),
                        current.get().getNotAfter().toInstant()));
        if (!due && !force) {
            return false;
        }
        Instant now = clock.instant();
        Duration validity = Duration.ofDays(spec.tls().validityDays());
        CertificateAuthority.Issued server = ca.issueServer(names, List.of(options.host()), validity, now);
        CertificateAuthority.Issued client = ca.issueClient(io.pgset.core.config.HbaRenderer.REPLICATION_USER,
                validity, now);
        user.privateDirectory(dir);
        InstanceConfig.Tls files = files();
        user.privateFile(Path.of(files.ca()), ca.certificatePem());
        // Keys before certificates: a reload that comes in between sees a new key with the old
        // certificate at worst, and the next reload fixes that; never a certificate without its key.
        user.privateFile(Path.of(files.clientKey()), client.privateKeyPem());
        user.privateFile(Path.of(files.clientCertificate()), client.certificatePem());
        user.privateFile(Path.of(files.key()), server.privateKeyPem());
        user.privateFile(Path.of(files.certificate()), server.certificatePem());
        return true;
    }

    /** The serial of the server certificate on disk. */
    Optional<java.math.BigInteger> serial() {
        return current().map(X509Certificate::getSerialNumber);
    }

    /** Signed by this CA's key: a CA made anew under the same name does not count. */
    private static boolean signedBy(X509Certificate certificate, CertificateAuthority ca) {
        try {
            certificate.verify(ca.certificate().getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Names every name and the address the instance answers at now: a pod recreated with a new IP
     * (or moved to another namespace) needs a new certificate before peers can verify it.
     */
    private static boolean covers(X509Certificate certificate, List<String> names, String address) {
        try {
            java.util.Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            java.util.Set<String> has = new java.util.HashSet<>();
            if (alternatives != null) {
                alternatives.forEach(entry -> has.add(String.valueOf(entry.get(1))));
            }
            return has.containsAll(names) && has.contains(canonical(address));
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
    }

    /**
     * An IP address as certificates report it (IPv6 in full, {@code fd00:0:0:0:0:0:0:1}, where a pod
     * is told {@code fd00::1}); a name as it is. No lookup: only literals are parsed.
     */
    private static String canonical(String address) {
        if (address.matches("[0-9.]+") || address.contains(":")) {
            try {
                return java.net.InetAddress.getByName(address).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                return address;
            }
        }
        return address;
    }

    private Optional<X509Certificate> current() {
        Path certificate = Path.of(files().certificate());
        if (!Files.exists(certificate)) {
            return Optional.empty();
        }
        try {
            return Optional.of(CertificateAuthority.parseCertificate(Files.readString(certificate)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // unreadable: issue a new one
        }
    }
}
