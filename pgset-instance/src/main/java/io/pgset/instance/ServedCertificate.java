package io.pgset.instance;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Asks a postgres which certificate it serves to a new connection: PostgreSQL's SSLRequest, then
 * a TLS handshake verified against the cluster CA. A reload only logs, and keeps the old
 * certificate, when the new one cannot be loaded; this is how a renewal knows it took effect.
 */
final class ServedCertificate {

    /** PostgreSQL's SSLRequest code (1234 << 16 | 5679). */
    private static final int SSL_REQUEST = 80877103;

    private ServedCertificate() {}

    static BigInteger serial(String host, int port, Path caFile) throws IOException {
        SSLContext context = ApiTls.client(caFile);
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), 2000);
            plain.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(plain.getOutputStream());
            out.writeInt(8);
            out.writeInt(SSL_REQUEST);
            out.flush();
            int answer = new DataInputStream(plain.getInputStream()).read();
            if (answer != 'S') {
                throw new IOException("postgres at " + host + ":" + port + " does not offer TLS (answered " + answer + ")");
            }
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
                tls.startHandshake();
                return ((X509Certificate) tls.getSession().getPeerCertificates()[0]).getSerialNumber();
            }
        }
    }
}
