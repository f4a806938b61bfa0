package io.pgset.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Runs a container's probe once against the pod's address, as the kubelet does: httpGet succeeds
 * on a status from 200 to 399 (HTTPS without verifying the certificate, as the kubelet does not),
 * tcpSocket when the port accepts a connection; both within the probe's timeout.
 */
final class Prober {

    private static final SSLSocketFactory TRUST_ALL = trustAll();

    private Prober() {
    }

    static boolean succeeds(Probe probe, Container container, String podIp) {
        int timeoutMillis = 1000 * (probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds());
        try {
            if (probe.getHttpGet() != null) {
                var get = probe.getHttpGet();
                String scheme = get.getScheme() == null ? "http" : get.getScheme().toLowerCase();
                URI uri = URI.create(scheme + "://" + podIp + ":" + port(get.getPort(), container)
                        + (get.getPath() == null ? "/" : get.getPath()));
                HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
                if (connection instanceof HttpsURLConnection https) {
                    https.setSSLSocketFactory(TRUST_ALL);
                    https.setHostnameVerifier((host, session) -> true);
                }
                connection.setConnectTimeout(timeoutMillis);
                connection.setReadTimeout(timeoutMillis);
                try {
                    int status = connection.getResponseCode();
                    return status >= 200 && status < 400;
                } finally {
                    connection.disconnect();
                }
            }
            if (probe.getTcpSocket() != null) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(podIp, port(probe.getTcpSocket().getPort(), container)), timeoutMillis);
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        throw new IllegalStateException("process kubelet: container " + container.getName()
                + " has a probe this kubelet does not run (it runs httpGet and tcpSocket): " + probe);
    }

    private static int port(IntOrString port, Container container) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        for (ContainerPort declared : container.getPorts()) {
            if (port.getStrVal().equals(declared.getName())) {
                return declared.getContainerPort();
            }
        }
        throw new IllegalStateException("process kubelet: container " + container.getName() + " has no port named "
                + port.getStrVal() + " for its probe");
    }

    private static SSLSocketFactory trustAll() {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
