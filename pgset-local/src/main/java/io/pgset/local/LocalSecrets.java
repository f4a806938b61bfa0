package io.pgset.local;

import io.pgset.core.tls.CertificateAuthority;
import io.pgset.instance.ApiTls;
import io.pgset.instance.DurableFiles;
import io.pgset.instance.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

/**
 * Creates a cluster's secrets once: a private directory (0700) of files (0600) with random
 * passwords and the API token, plus {@code pgpass}, a libpq password file for the app user.
 */
public final class LocalSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Names the instance managers read the CA by (see InstanceTls). */
    static final String CA_CERTIFICATE = "ca.crt";
    static final String CA_KEY = "ca.key";

    private LocalSecrets() {}

    /** Creates whatever secret is missing; existing ones are never replaced (volumes depend on them). */
    public static void ensure(ClusterHome home, String appUser) throws IOException {
        ensurePasswords(home);
        Path dir = home.secrets();
        if (!Files.exists(dir.resolve(CA_CERTIFICATE)) || !Files.exists(dir.resolve(CA_KEY))) {
            // The cluster's own CA: it signs every instance's certificates (ca.key never leaves secrets/).
            CertificateAuthority ca = CertificateAuthority.create(home.name(), Instant.now());
            DurableFiles.writePrivate(dir.resolve(CA_KEY), ca.privateKeyPem());
            DurableFiles.writePrivate(dir.resolve(CA_CERTIFICATE), ca.certificatePem());
            ApiTls.recordChecked(dir, ca.certificatePem(), ca.privateKeyPem()); // made together just now
        }
        String app = Files.readString(dir.resolve(Secrets.APP_PASSWORD)).strip();
        // Any host and port: the same app password opens the services and every instance.
        DurableFiles.writePrivate(pgpass(home), "127.0.0.1:*:*:" + appUser + ":" + app + "\nlocalhost:*:*:" + appUser + ":" + app + "\n");
    }

    /**
     * Creates whichever password or token is missing, and nothing else: all that initdb needs, so
     * that {@code up} can start it before it makes the CA, which costs 70-90 ms in a new JVM.
     */
    public static void ensurePasswords(ClusterHome home) throws IOException {
        Path dir = home.secrets();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        for (String name : new String[] {Secrets.SUPERUSER_PASSWORD, Secrets.REPLICATION_PASSWORD,
                Secrets.APP_PASSWORD, Secrets.API_TOKEN}) {
            if (!Files.exists(dir.resolve(name))) {
                DurableFiles.writePrivate(dir.resolve(name), random() + "\n");
            }
        }
    }

    /** The CA certificate clients verify the cluster's servers against (sslrootcert). */
    public static Path caCertificate(ClusterHome home) {
        return home.secrets().resolve(CA_CERTIFICATE);
    }

    public static Path pgpass(ClusterHome home) {
        return home.secrets().resolve("pgpass");
    }

    /**
     * A libpq password file for the superuser {@code postgres}, for maintenance ({@code pgset psql
     * --superuser}): written on first use, 0600 in the 0700 secrets directory, so that only the
     * user who runs pgset (and root) can read it; the password never goes into an argument list or
     * an environment.
     */
    public static Path superuserPgpass(ClusterHome home) throws IOException {
        Path file = home.secrets().resolve("pgpass-superuser");
        String password = Files.readString(home.secrets().resolve(Secrets.SUPERUSER_PASSWORD)).strip();
        String content = "127.0.0.1:*:*:postgres:" + password + "\nlocalhost:*:*:postgres:" + password + "\n";
        if (!Files.exists(file) || !Files.readString(file).equals(content)) {
            DurableFiles.writePrivate(file, content);
        }
        return file;
    }

    public static String apiToken(ClusterHome home) throws IOException {
        return Files.readString(home.secrets().resolve(Secrets.API_TOKEN)).strip();
    }

    private static String random() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
