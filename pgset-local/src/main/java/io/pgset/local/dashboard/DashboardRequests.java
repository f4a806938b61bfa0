package io.pgset.local.dashboard;

import java.nio.charset.StandardCharsets;

/** The dashboard server's decision about a request's Host and the bytes of an event: pure, unit-tested. */
final class DashboardRequests {

    private DashboardRequests() {}

    /**
     * Whether a {@code Host} header names this server on the loopback address: anything else is a
     * page that reached 127.0.0.1 under another name (DNS rebinding) or a proxy.
     */
    static boolean loopbackHost(String host, int port) {
        return host != null && (host.equals("127.0.0.1:" + port) || host.equalsIgnoreCase("localhost:" + port));
    }

    /** One server-sent event carrying a JSON document (which has no raw line breaks). */
    static byte[] event(byte[] json) {
        byte[] head = "data: ".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(json, 0, out, head.length, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }
}
