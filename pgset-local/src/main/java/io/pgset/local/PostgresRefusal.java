package io.pgset.local;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Refuses a client in the postgres protocol, so that psql prints why ({@code FATAL: ...}) instead
 * of "server closed the connection unexpectedly", which reads like a crash. The error answers the
 * client's StartupMessage. A client that asks for TLS first gets it, with the cluster's certificate
 * ({@code sslmode=verify-full} accepts it), and the error inside: libpq ignores an error sent in
 * reply to the SSLRequest itself, and a client that requires TLS would report its absence instead.
 * Without TLS it is declined, as is a GSSENCRequest, as postgres does.
 */
final class PostgresRefusal {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;
    private static final int LONGEST_STARTUP = 10_000;
    /** invalid_authorization_specification, as postgres answers a client pg_hba.conf has no rule for. */
    private static final String SQLSTATE = "28000";

    private PostgresRefusal() {}

    /**
     * Reads the client's requests up to its StartupMessage, answers that with a FATAL error, and
     * closes the connection.
     *
     * @param tls the server side of TLS with a certificate clients of the cluster trust; empty when
     *            the cluster has TLS off
     */
    static void refuse(Socket client, Optional<SSLContext> tls, String message, String hint) {
        try (client) {
            client.setSoTimeout(5000);
            Socket socket = client;
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            int length = in.readInt();
            int code = in.readInt();
            for (int request = 0; request < 2 && (code == GSSENC_REQUEST || code == SSL_REQUEST); request++) {
                if (code == SSL_REQUEST && tls.isPresent()) {
                    out.write('S');
                    out.flush();
                    SSLSocket secured = (SSLSocket) tls.get().getSocketFactory()
                            .createSocket(client, client.getInetAddress().getHostAddress(), client.getPort(), true);
                    secured.setUseClientMode(false);
                    secured.startHandshake();
                    socket = secured;
                    in = new DataInputStream(socket.getInputStream());
                    out = socket.getOutputStream();
                } else {
                    out.write('N');
                    out.flush();
                }
                length = in.readInt();
                code = in.readInt();
            }
            if (code == CANCEL_REQUEST || code == GSSENC_REQUEST || code == SSL_REQUEST) {
                return;
            }
            // The rest of the StartupMessage: read, so that closing does not reset the connection
            // before the client has read the error.
            in.skipNBytes(Math.max(0, Math.min(length, LONGEST_STARTUP) - 8));
            out.write(errorResponse(message, hint));
            out.flush();
            socket.close();
        } catch (IOException e) {
            // the client went away, or never spoke the protocol: nothing more to tell it
        }
    }

    /** An ErrorResponse message: severity, SQLSTATE, message and hint fields. */
    static byte[] errorResponse(String message, String hint) {
        byte[][] fields = {field('S', "FATAL"), field('V', "FATAL"), field('C', SQLSTATE), field('M', message),
                field('H', hint)};
        int size = 4 + 1;
        for (byte[] f : fields) {
            size += f.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(1 + size).put((byte) 'E').putInt(size);
        for (byte[] f : fields) {
            buffer.put(f);
        }
        return buffer.put((byte) 0).array();
    }

    private static byte[] field(char type, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(text.length + 2).put((byte) type).put(text).put((byte) 0).array();
    }
}
