package io.pgset.cli;

import static org.awaitility.Awaitility.await;

import io.pgset.core.tls.CertificateAuthority;
import io.pgset.local.Ports;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 server for tests: s3proxy (jar from Maven, path in the {@code s3proxy.jar} system
 * property) run as its own process, because in the test JVM its libraries conflict with ours. It
 * keeps objects as files under {@code dir} (jclouds' filesystem-nio2), serves HTTPS on {@link
 * #endpoint()} with a certificate for {@code localhost} from a CA of its own ({@link #caFile()}),
 * for pgBackRest, which speaks only HTTPS to S3; and plain HTTP on loopback for this class's own
 * S3 client, which creates buckets (pgBackRest does not) and lists them.
 *
 * <p>{@link #stop()} and {@link #start(String)} keep the ports and the objects, so a test can make
 * the endpoint refuse connections, or refuse the keys, and then bring it back.
 */
final class S3Server implements AutoCloseable {

    static final String ACCESS_KEY_ID = "pgsetTestAccessKey";
    static final String REGION = "us-east-1";
    private static final String KEYSTORE_PASSWORD = "s3proxy-test-keystore";
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Path dir;
    private final int httpsPort;
    private final int httpPort;
    private final String secret;
    private Process process;
    /** The secret the running server accepts, which this class's own client signs with. */
    private String accepted;

    private S3Server(Path dir, int httpsPort, int httpPort, String secret) {
        this.dir = dir;
        this.httpsPort = httpsPort;
        this.httpPort = httpPort;
        this.secret = secret;
    }

    /**
     * Starts a server keeping its files in {@code dir} (created, and opened to the postgres user,
     * who reads the CA file). {@link #close()} stops it; the caller removes {@code dir}.
     */
    static S3Server start(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("data"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        S3Server server = new S3Server(dir, Ports.free(), Ports.free(), "pgset-test-secret-" + System.nanoTime());
        server.writeCertificates();
        Files.writeString(server.keysFile(), "accessKeyId=" + ACCESS_KEY_ID + "\nsecretAccessKey=" + server.secret + "\n");
        Files.setPosixFilePermissions(server.keysFile(), PosixFilePermissions.fromString("rw-------"));
        server.start(server.secret);
        return server;
    }

    /** {@code localhost:port} of the HTTPS endpoint, as {@code spec.backup.repositories[].endpoint}. */
    String endpoint() {
        return "localhost:" + httpsPort;
    }

    /** The PEM of the CA that signed the server's certificate, readable by postgres. */
    Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** A secrets file with the keys the server accepts, as {@code credentials.file} reads it. */
    Path keysFile() {
        return dir.resolve("s3.keys");
    }

    /** The secret access key the server accepts after {@link #start(Path)}. */
    String secret() {
        return secret;
    }

    /** Starts the stopped server on the same ports and objects, accepting {@code secretAccessKey} now. */
    void start(String secretAccessKey) throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("s3proxy runs already (pid " + process.pid() + ")");
        }
        accepted = secretAccessKey;
        Path properties = dir.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.secure-endpoint=https://127.0.0.1:" + httpsPort,
                "s3proxy.endpoint=http://127.0.0.1:" + httpPort,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY_ID,
                "s3proxy.credential=" + secretAccessKey,
                "s3proxy.keystore-path=" + dir.resolve("keystore.p12"),
                "s3proxy.keystore-password=" + KEYSTORE_PASSWORD,
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + dir.resolve("data"),
                ""));
        String jar = System.getProperty("s3proxy.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("s3proxy.jar (" + jar + ") is missing: run the ITs through Maven, whose"
                    + " dependency plugin copies it at pre-integration-test");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xmx256m", "-jar", jar, "--properties", properties.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()))
                .start();
        Process started = process;
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(100))
                .until(() -> !started.isAlive() || listening(httpsPort) && listening(httpPort));
        if (!started.isAlive()) {
            throw new IllegalStateException("s3proxy exited with " + started.exitValue() + "; see "
                    + dir.resolve("s3proxy.log"));
        }
    }

    /** Stops the server; its port refuses connections until {@link #start(String)}. */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        process = null;
    }

    void createBucket(String bucket) {
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    /** The keys of the objects in {@code bucket} under {@code prefix}, in the order S3 lists them. */
    List<String> list(String bucket, String prefix) {
        try (S3Client s3 = client()) {
            return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                    .map(S3Object::key).toList();
        }
    }

    private S3Client client() {
        return S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + httpPort))
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, accepted)))
                .build();
    }

    private void writeCertificates() throws IOException {
        Instant now = Instant.now();
        CertificateAuthority ca = CertificateAuthority.create("s3proxy", now);
        CertificateAuthority.Issued server = ca.issueServer(List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofDays(1), now);
        Files.writeString(caFile(), ca.certificatePem());
        try (OutputStream out = Files.newOutputStream(dir.resolve("keystore.p12"))) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("s3proxy", CertificateAuthority.parsePrivateKey(server.privateKeyPem()),
                    KEYSTORE_PASSWORD.toCharArray(), new Certificate[] {
                        CertificateAuthority.parseCertificate(server.certificatePem()), ca.certificate()});
            keys.store(out, KEYSTORE_PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the keystore of s3proxy: " + e.getMessage(), e);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
