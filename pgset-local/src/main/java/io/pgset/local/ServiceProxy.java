package io.pgset.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * A Service on a stable loopback port: each client connection is relayed to one of the current
 * endpoints, chosen round robin. With no endpoint the connection is closed at once, which libpq
 * reports as a server that closed the connection, so clients retry instead of hanging. A client
 * whose address is not admitted is told so in the postgres protocol ({@link PostgresRefusal}).
 *
 * <p>When an endpoint leaves the set (a primary lost its role), connections already relayed to
 * it are cut, so no client keeps writing to an instance the service no longer points at.
 */
public final class ServiceProxy implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("pgset.service");

    /** A host and port to relay to. */
    public record Endpoint(String host, int port) {}

    private final String name;
    private final ServerSocket server;
    private final Supplier<List<Endpoint>> endpoints;
    private final Function<InetAddress, Optional<String>> refusal;
    private final Supplier<Optional<SSLContext>> tls;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<Relay> relays = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param refusal why a client address may not connect, empty when it may: the cluster's
     *                {@code network.allow}, which postgres cannot check itself behind the proxy (it
     *                sees the proxy's address)
     * @param tls     TLS with a certificate the cluster's clients trust, to tell a refused client why
     *                when it asks for TLS; empty when the cluster has TLS off
     */
    public ServiceProxy(String name, int port, Supplier<List<Endpoint>> endpoints,
                        Function<InetAddress, Optional<String>> refusal, Supplier<Optional<SSLContext>> tls)
            throws IOException {
        this.name = name;
        this.endpoints = endpoints;
        this.refusal = refusal;
        this.tls = tls;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), port), 128);
        Thread acceptor = new Thread(this::acceptForever, "service-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Cuts relayed connections whose endpoint is no longer among the current ones. */
    public void prune() {
        List<Endpoint> current = endpoints.get();
        for (Relay relay : relays) {
            if (!current.contains(relay.endpoint)) {
                relay.close();
            }
        }
    }

    private void acceptForever() {
        while (!closed) {
            try {
                Socket client = server.accept();
                relay(client);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("service={} accept failed: {}", name, e.getMessage());
                }
            }
        }
    }

    private void relay(Socket client) {
        Optional<String> refused = refusal.apply(client.getInetAddress());
        if (refused.isPresent()) {
            LOG.warn("service={} refused a connection from {}: not in spec.network.allow", name,
                    client.getInetAddress().getHostAddress());
            Thread t = new Thread(() -> PostgresRefusal.refuse(client, tls.get(), refused.get(),
                    "Add the address to spec.network.allow and run `pgset apply`."), "service-" + name + "-refuse");
            t.setDaemon(true);
            t.start();
            return;
        }
        List<Endpoint> targets = endpoints.get();
        if (targets.isEmpty()) {
            closeQuietly(client);
            return;
        }
        Endpoint target = targets.get(Math.floorMod(next.getAndIncrement(), targets.size()));
        Thread t = new Thread(() -> {
            try (Socket upstream = new Socket()) {
                upstream.connect(new InetSocketAddress(target.host(), target.port()), 2000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                Relay relay = new Relay(client, upstream, target);
                relays.add(relay);
                try {
                    Thread back = new Thread(() -> pump(upstream, client, relay), "service-" + name + "-back");
                    back.setDaemon(true);
                    back.start();
                    pump(client, upstream, relay);
                    back.join();
                } finally {
                    relays.remove(relay);
                }
            } catch (IOException e) {
                closeQuietly(client);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(client);
            }
        }, "service-" + name + "-relay");
        t.setDaemon(true);
        t.start();
    }

    private static void pump(Socket from, Socket to, Relay relay) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed or was cut; closing both below ends the other direction too
        } finally {
            relay.close();
        }
    }

    private record Relay(Socket client, Socket upstream, Endpoint endpoint) {
        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
        }
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
        relays.forEach(Relay::close);
    }
}
