package io.pgset.local;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Tells a cluster's controller that something it waits for has happened (an instance became
 * ready), so that its next pass comes now rather than at its next tick. The message is one UDP
 * datagram on loopback carrying the API token: no TLS handshake, no connection, nothing to wait
 * for. A lost or refused message only means the controller finds out at its next tick, as it did
 * before; one without the token is ignored.
 */
public final class ControllerWake implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("pgset.controller");

    private final DatagramSocket socket;
    private final Thread thread;

    private ControllerWake(DatagramSocket socket, byte[] token, Runnable wake) {
        this.socket = socket;
        this.thread = new Thread(() -> receive(token, wake), "controller-wake");
        this.thread.setDaemon(true);
    }

    /** Listens on a free loopback port and runs {@code wake} for every datagram that carries {@code token}. */
    static ControllerWake listen(String token, Runnable wake) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), 0));
        ControllerWake listener = new ControllerWake(socket, token.getBytes(StandardCharsets.UTF_8), wake);
        listener.thread.start();
        return listener;
    }

    int port() {
        return socket.getLocalPort();
    }

    private void receive(byte[] token, Runnable wake) {
        byte[] buffer = new byte[256];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.warn("wake listener on port {} failed: {}", socket.getLocalPort(), e.toString());
                }
                return;
            }
            byte[] got = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
            if (MessageDigest.isEqual(got, token)) {
                wake.run();
            }
        }
    }

    /**
     * Wakes the cluster's running controller; does nothing when there is none, or it does not
     * listen (an older controller): the controller's own tick finds out a moment later.
     */
    public static void send(ClusterHome home) {
        int port = Json.read(home.controllerFile()).map(n -> n.path("wakePort").asInt()).orElse(0);
        if (port == 0) {
            return;
        }
        try (DatagramSocket socket = new DatagramSocket()) {
            byte[] token = LocalSecrets.apiToken(home).getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(token, token.length, InetAddress.getByName(Ports.LOOPBACK), port));
        } catch (IOException e) {
            // best effort: the controller polls anyway
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
