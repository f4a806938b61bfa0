package io.pgset.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Just enough of a PostgreSQL server, for the class-data training alone ({@link ClassDataTraining}),
 * that the JDBC driver takes the path an instance manager's connections take: the TLS request and
 * handshake, SCRAM-SHA-256 (the server's signature is real, as the driver checks it), the startup
 * parameters, and queries answered with one row of one text column ({@code 1}) in the simple and
 * the extended protocol. It serves connections one at a time on a thread of its own until closed.
 * Nothing else may use it: it checks no password proof and knows no SQL.
 */
final class TrainingPostgres implements AutoCloseable {

    private static final int ITERATIONS = 4096;

    private final ServerSocket server;
    private final SSLContext tls;
    private final String password;
    private final Thread thread;

    /** Listens on a free loopback port, presenting {@code tls}'s certificate; every user's password is {@code password}. */
    TrainingPostgres(SSLContext tls, String password) throws IOException {
        this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        this.tls = tls;
        this.password = password;
        this.thread = new Thread(this::serve, "training-postgres");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket plain = server.accept()) {
                plain.setSoTimeout(10_000);
                session(plain);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                // the next connection is served anew; the training says what it missed
            }
        }
    }

    private void session(Socket plain) throws IOException, GeneralSecurityException {
        DataInputStream in = new DataInputStream(plain.getInputStream());
        int length = in.readInt();
        int code = in.readInt(); // SSLRequest: 80877103
        in.skipBytes(length - 8);
        if (code != 80877103) {
            return;
        }
        plain.getOutputStream().write('S');
        plain.getOutputStream().flush();
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, null, plain.getPort(), false);
        socket.setUseClientMode(false);
        socket.startHandshake();
        in = new DataInputStream(socket.getInputStream());
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        in.skipBytes(in.readInt() - 4); // the startup message: user, database, options
        authenticate(in, out);
        for (String[] parameter : new String[][] {{"server_version", "15.0"}, {"client_encoding", "UTF8"},
                {"DateStyle", "ISO, MDY"}, {"integer_datetimes", "on"}, {"standard_conforming_strings", "on"},
                {"TimeZone", "UTC"}, {"is_superuser", "on"}, {"application_name", "training"}}) {
            send(out, 'S', cstring(parameter[0]), cstring(parameter[1]));
        }
        send(out, 'K', int4(1), int4(1));
        send(out, 'Z', new byte[] {'I'});
        out.flush();
        answer(in, out);
    }

    /** SCRAM-SHA-256 as postgres speaks it (RFC 7677 in SASL messages), without channel binding. */
    private void authenticate(DataInputStream in, DataOutputStream out) throws IOException, GeneralSecurityException {
        send(out, 'R', int4(10), cstring("SCRAM-SHA-256"), new byte[] {0});
        out.flush();
        byte[] initial = message(in, 'p');
        int mechanismEnd = indexOf(initial, (byte) 0, 0);
        String clientFirst = new String(initial, mechanismEnd + 5, initial.length - mechanismEnd - 5,
                StandardCharsets.UTF_8); // after the mechanism and the length of the response
        String clientFirstBare = clientFirst.substring(clientFirst.indexOf(",,") + 2);
        String clientNonce = attribute(clientFirstBare, 'r');
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        String serverFirst = "r=" + clientNonce + "training,s=" + Base64.getEncoder().encodeToString(salt) + ",i="
                + ITERATIONS;
        send(out, 'R', int4(11), serverFirst.getBytes(StandardCharsets.UTF_8));
        out.flush();
        String clientFinal = new String(message(in, 'p'), StandardCharsets.UTF_8);
        String withoutProof = clientFinal.substring(0, clientFinal.indexOf(",p="));
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256)).getEncoded();
        byte[] serverKey = hmac(salted, "Server Key");
        String serverFinal = "v=" + Base64.getEncoder().encodeToString(hmac(serverKey, authMessage));
        send(out, 'R', int4(12), serverFinal.getBytes(StandardCharsets.UTF_8));
        send(out, 'R', int4(0));
    }

    /** Answers queries until the client says goodbye: each one row of one text column, {@code 1}. */
    private static void answer(DataInputStream in, DataOutputStream out) throws IOException {
        byte[] row = concat(new byte[] {0, 1}, int4(1), new byte[] {'1'});
        byte[] columns = concat(new byte[] {0, 1}, cstring("c"), int4(0), new byte[] {0, 0}, int4(25),
                new byte[] {-1, -1}, int4(-1), new byte[] {0, 0});
        int parameters = 0; // of the statement parsed last
        while (true) {
            int type = in.read();
            if (type < 0 || type == 'X') {
                return;
            }
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            switch (type) {
                case 'Q' -> {
                    send(out, 'T', columns);
                    send(out, 'D', row);
                    send(out, 'C', cstring("SELECT 1"));
                    send(out, 'Z', new byte[] {'I'});
                    out.flush();
                }
                case 'P' -> {
                    int nameEnd = indexOf(body, (byte) 0, 0);
                    String query = new String(body, nameEnd + 1, indexOf(body, (byte) 0, nameEnd + 1) - nameEnd - 1,
                            StandardCharsets.UTF_8);
                    parameters = query.split("\\$\\d", -1).length - 1;
                    send(out, '1');
                }
                case 'B' -> send(out, '2');
                case 'D' -> {
                    if (body[0] == 'S') { // a statement: its parameters' types (text), then its columns
                        byte[] types = new byte[0];
                        for (int i = 0; i < parameters; i++) {
                            types = concat(types, int4(25));
                        }
                        send(out, 't', new byte[] {(byte) (parameters >>> 8), (byte) parameters}, types);
                    }
                    send(out, 'T', columns);
                }
                case 'E' -> {
                    send(out, 'D', row);
                    send(out, 'C', cstring("SELECT 1"));
                }
                case 'C' -> send(out, '3');
                case 'S' -> {
                    send(out, 'Z', new byte[] {'I'});
                    out.flush();
                }
                default -> { } // Flush and the like: nothing to answer
            }
        }
    }

    private static byte[] message(DataInputStream in, char expected) throws IOException {
        int type = in.read();
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        if (type != expected) {
            throw new IOException("expected message " + expected + ", got " + (char) type);
        }
        return body;
    }

    private static void send(DataOutputStream out, char type, byte[]... parts) throws IOException {
        byte[] body = concat(parts);
        out.write(type);
        out.writeInt(body.length + 4);
        out.write(body);
    }

    private static String attribute(String message, char name) {
        for (String part : message.split(",")) {
            if (part.startsWith(name + "=")) {
                return part.substring(2);
            }
        }
        throw new IllegalArgumentException("no " + name + "= in " + message);
    }

    private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return bytes.length;
    }

    private static byte[] cstring(String text) {
        return concat(text.getBytes(StandardCharsets.UTF_8), new byte[] {0});
    }

    private static byte[] int4(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
