package io.pgset.local;

import io.pgset.core.json.JsonTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The controller's refusal listener: HAProxy sends it the clients that {@code network.allow} shuts
 * out, each preceded by a PROXY protocol (v1) header that names the client and the service it
 * called; it tells them why in the postgres protocol ({@link PostgresRefusal}). Its port is chosen
 * once and kept in {@code services.json} as {@code refusal}, so that HAProxy's configuration does
 * not change when a controller restarts.
 */
final class ServiceRefusals implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("pgset.service");
    /** A v1 header is at most 107 bytes, CRLF included. */
    private static final int LONGEST_HEADER = 107;

    /** Who a relayed connection came from, and which service port it called. */
    record Origin(InetAddress client, int servicePort) {}

    private final Services services;
    private final ServerSocket server;
    private final Function<InetAddress, Optional<String>> refusal;
    private final Supplier<Optional<SSLContext>> tls;
    private volatile boolean closed;

    ServiceRefusals(int port, Services services, Function<InetAddress, Optional<String>> refusal,
                    Supplier<Optional<SSLContext>> tls) throws IOException {
        this.services = services;
        this.refusal = refusal;
        this.tls = tls;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), port), 64);
        Thread acceptor = new Thread(this::acceptForever, "service-refusals");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The kept refusal port of a cluster, chosen the first time. */
    static int port(ClusterHome home, Path pgsetHome) throws IOException {
        JsonTree kept = Json.read(home.services()).filter(JsonTree::isObject)
                .orElseThrow(() -> new IOException("no services.json in " + home.dir()));
        if (kept.path("refusal").asInt() > 0) {
            return kept.path("refusal").asInt();
        }
        int port = PortPicker.pick(pgsetHome);
        Json.write(home.services(), kept.put("refusal", port));
        return port;
    }

    /** Parses a PROXY protocol v1 header line: {@code PROXY TCP4 src dst srcport dstport}. */
    static Optional<Origin> parse(String header) {
        String[] parts = header.strip().split(" ");
        if (parts.length != 6 || !parts[0].equals("PROXY") || !(parts[1].equals("TCP4") || parts[1].equals("TCP6"))) {
            return Optional.empty();
        }
        try {
            // Literal addresses only: InetAddress would resolve a name, and a header holds none.
            if (!parts[2].matches("[0-9a-fA-F:.]+")) {
                return Optional.empty();
            }
            return Optional.of(new Origin(InetAddress.getByName(parts[2]), Integer.parseInt(parts[5])));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void acceptForever() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> refuse(client), "service-refuse");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("refusal listener: accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void refuse(Socket connection) {
        try {
            connection.setSoTimeout(5000);
            Optional<Origin> origin = parse(headerLine(connection.getInputStream()));
            if (origin.isEmpty()) {
                connection.close();
                return;
            }
            String service = origin.get().servicePort() == services.ro() ? "ro" : "rw";
            String client = origin.get().client().getHostAddress();
            Optional<String> why = refusal.apply(origin.get().client());
            LOG.warn("service={} refused a connection from {}: not in spec.network.allow", service, client);
            PostgresRefusal.refuse(connection, tls.get(), why.orElse("this client's address is not in spec.network.allow"),
                    "Add the address to spec.network.allow and run `pgset apply`.");
        } catch (IOException e) {
            closeQuietly(connection);
        }
    }

    /** Reads exactly the header line, so that what follows is left for the postgres protocol. */
    private static String headerLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && line.size() < LONGEST_HEADER; b = in.read()) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed is what we wanted
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing a listening socket only fails if it is closed already
        }
    }
}
