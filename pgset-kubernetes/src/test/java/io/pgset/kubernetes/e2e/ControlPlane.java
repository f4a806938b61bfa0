package io.pgset.kubernetes.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgset.core.tls.CertificateAuthority;
import io.pgset.instance.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real Kubernetes control plane for a test: etcd, kube-apiserver and kube-controller-manager
 * (the binaries e2e/controlplane/build.sh made) as processes of this machine, on free loopback
 * ports (the API server on another address when asked), with their data, keys and logs in a temporary folder of their own. There is no kubelet
 * and no scheduler: pods are created, and stay Pending.
 *
 * <p>{@link #close()} stops every process and removes the folder; a shutdown hook kills what is
 * left when the JVM exits first.
 */
final class ControlPlane implements AutoCloseable {

    /** The controllers a StatefulSet's life needs, and what makes a namespace usable for pods. */
    static final List<String> CONTROLLERS = List.of("statefulset-controller", "garbage-collector-controller",
            "endpointslice-controller", "persistentvolumeclaim-protection-controller", "namespace-controller",
            "serviceaccount-controller", "root-ca-certificate-publisher-controller");

    private static final String ADDRESS = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Path dir;
    private final String apiServerAddress;
    private final List<ControlPlaneProcess> processes = new ArrayList<>();
    private final Thread killOnExit = new Thread(this::killAll, "control-plane-kill-on-exit");
    private String kubernetesVersion;
    private String apiServerUrl;
    private ControlPlaneCredentials credentials;
    private HttpClient probes;
    private Duration startup;
    private KubernetesClient adminClient;

    private ControlPlane(Path dir, String apiServerAddress) {
        this.dir = dir;
        this.apiServerAddress = apiServerAddress;
    }

    /** Starts the control plane and returns once the API server is ready and the controllers run. */
    static ControlPlane start() throws IOException, InterruptedException {
        return start(ADDRESS);
    }

    /**
     * As {@link #start()}, with the API server listening on, advertising and certified for
     * {@code apiServerAddress} (an address of this machine, e.g. one that pods can reach).
     */
    static ControlPlane start(String apiServerAddress) throws IOException, InterruptedException {
        ControlPlane plane = new ControlPlane(Files.createTempDirectory("pgset-e2e-controlplane-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))), apiServerAddress);
        Runtime.getRuntime().addShutdownHook(plane.killOnExit);
        try {
            plane.startProcesses(ControlPlaneBinaries.built());
            return plane;
        } catch (IOException | InterruptedException | RuntimeException e) {
            plane.close();
            throw e;
        }
    }

    private void startProcesses(ControlPlaneBinaries binaries) throws IOException, InterruptedException {
        long begin = System.nanoTime();
        kubernetesVersion = binaries.kubernetesVersion();
        credentials = ControlPlaneCredentials.create(dir, apiServerAddress);
        // HTTP/1.1: kube-controller-manager answers this JDK's HTTP/2 requests with GOAWAY.
        probes = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(trusting(credentials.caPem())).build();

        int etcdPort = freePort();
        ControlPlaneProcess etcd = launch("etcd", binaries, etcdArguments(etcdPort, freePort()));
        awaitOk(etcd, "http://" + ADDRESS + ":" + etcdPort + "/health", null);
        long etcdReady = System.nanoTime();

        int apiPort = freePort(apiServerAddress);
        apiServerUrl = "https://" + apiServerAddress + ":" + apiPort;
        ControlPlaneProcess apiServer = launch("kube-apiserver", binaries, apiServerArguments(apiPort, etcdPort));
        awaitOk(apiServer, apiServerUrl + "/readyz", credentials.adminToken());
        long apiReady = System.nanoTime();

        int controllerPort = freePort();
        Path kubeconfig = credentials.writeAdminKubeconfig(dir.resolve("controller-manager.kubeconfig"), apiServerUrl);
        ControlPlaneProcess controllers = launch("kube-controller-manager", binaries,
                controllerManagerArguments(controllerPort, kubeconfig));
        awaitOk(controllers, "https://" + ADDRESS + ":" + controllerPort + "/healthz", null);
        long end = System.nanoTime();

        startup = Duration.ofNanos(end - begin);
        System.out.printf("control plane %s started in %d ms (etcd %d ms, kube-apiserver %d ms,"
                        + " kube-controller-manager %d ms) in %s%n", kubernetesVersion, startup.toMillis(),
                millis(begin, etcdReady), millis(etcdReady, apiReady), millis(apiReady, end), dir);
    }

    private List<String> etcdArguments(int clientPort, int peerPort) {
        String client = "http://" + ADDRESS + ":" + clientPort;
        String peer = "http://" + ADDRESS + ":" + peerPort;
        return List.of("--name=e2e", "--data-dir=" + dir.resolve("etcd"),
                "--listen-client-urls=" + client, "--advertise-client-urls=" + client,
                "--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
                "--initial-cluster=e2e=" + peer,
                // A test's data need not survive a power cut; fsyncs would slow every write.
                "--unsafe-no-fsync", "--log-level=warn");
    }

    private List<String> apiServerArguments(int port, int etcdPort) {
        return List.of(
                "--etcd-servers=http://" + ADDRESS + ":" + etcdPort,
                "--bind-address=" + apiServerAddress, "--secure-port=" + port,
                // These machines have no default route, from which the API server would pick its address.
                "--advertise-address=" + apiServerAddress,
                "--tls-cert-file=" + credentials.servingCertificate(),
                "--tls-private-key-file=" + credentials.servingKey(),
                "--client-ca-file=" + credentials.caCertificate(),
                "--token-auth-file=" + credentials.tokens(),
                "--authorization-mode=RBAC",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + credentials.serviceAccountPublicKey(),
                "--service-account-signing-key-file=" + credentials.serviceAccountKey(),
                "--service-cluster-ip-range=" + ControlPlaneCredentials.SERVICE_CLUSTER_IP_RANGE,
                "--allow-privileged=true",
                "--profiling=false");
    }

    private List<String> controllerManagerArguments(int port, Path kubeconfig) {
        return List.of(
                "--kubeconfig=" + kubeconfig,
                "--controllers=" + String.join(",", CONTROLLERS),
                "--leader-elect=false",
                "--bind-address=" + ADDRESS, "--secure-port=" + port,
                "--tls-cert-file=" + credentials.servingCertificate(),
                "--tls-private-key-file=" + credentials.servingKey(),
                "--root-ca-file=" + credentials.caCertificate(),
                "--service-account-private-key-file=" + credentials.serviceAccountKey(),
                "--profiling=false");
    }

    /** A client that acts as cluster-admin (system:masters), closed with the control plane. */
    synchronized KubernetesClient adminClient() {
        if (adminClient == null) {
            adminClient = newAdminClient();
        }
        return adminClient;
    }

    private KubernetesClient newAdminClient() {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(apiServerUrl)
                .withCaCertData(Base64.getEncoder().encodeToString(credentials.caPem().getBytes(StandardCharsets.UTF_8)))
                .withOauthToken(credentials.adminToken())
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Where the API server answers, e.g. {@code https://127.0.0.1:6443}. */
    String apiServerUrl() {
        return apiServerUrl;
    }

    /** A kubeconfig that reaches the API server with a bearer token (e.g. a ServiceAccount's). */
    Path writeKubeconfig(Path file, String user, String token) throws IOException {
        return credentials.writeKubeconfig(file, apiServerUrl, user, token);
    }

    /** The Kubernetes release the control plane was built from, as pinned in e2e/controlplane/versions. */
    String kubernetesVersion() {
        return kubernetesVersion;
    }

    /** From the first process started until the last was ready. */
    Duration startup() {
        return startup;
    }

    /** Stops the controllers first and etcd last, then removes the folder. */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            if (adminClient != null) {
                adminClient.close();
                adminClient = null;
            }
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop();
        }
        processes.clear();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs anyway
        }
        deleteRecursively(dir);
    }

    private void killAll() {
        processes.forEach(ControlPlaneProcess::kill);
    }

    private ControlPlaneProcess launch(String name, ControlPlaneBinaries binaries, List<String> arguments)
            throws IOException {
        ControlPlaneProcess process = ControlPlaneProcess.start(name, binaries.path(name), arguments, dir);
        processes.add(process);
        return process;
    }

    /** Waits until {@code url} answers 200; gives up at once when the process exits. */
    private void awaitOk(ControlPlaneProcess process, String url, String token) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        AtomicReference<String> lastAnswer = new AtomicReference<>("none");
        boolean ready = Poll.until(START_TIMEOUT, POLL, () -> {
            if (!process.alive()) {
                throw new Poll.GiveUp(new IllegalStateException("control plane: " + process.logTail(30)));
            }
            try {
                HttpResponse<String> response = probes.send(request.build(), HttpResponse.BodyHandlers.ofString());
                lastAnswer.set(response.statusCode() + " " + response.body());
                return response.statusCode() == 200;
            } catch (IOException e) {
                lastAnswer.set(e.toString());
                throw e;
            }
        });
        if (!ready) {
            throw new IllegalStateException("control plane: " + url + " not ready after " + START_TIMEOUT
                    + " (last answer: " + lastAnswer.get() + "): " + process.logTail(30));
        }
    }

    private static SSLContext trusting(String caPem) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateAuthority.parseCertificate(caPem));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot trust the control plane's CA: " + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        return freePort(ADDRESS);
    }

    private static int freePort(String address) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.getLocalPort();
        }
    }

    private static long millis(long fromNanos, long toNanos) {
        return Duration.ofNanos(toNanos - fromNanos).toMillis();
    }

    static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the control plane's folder " + root, e);
        }
    }
}
