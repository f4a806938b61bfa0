package io.pgset.core.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A certificate's subjectAltName (RFC 5280 4.2.1.6): DNS names, then IP addresses (v4 and v6).
 * Checked when made: a name that is not ASCII or an address that is not a literal is refused with
 * the value that is wrong, rather than written into a certificate no client would match.
 */
final class SubjectAltNames {

    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** Only these characters, with a colon: the JDK then parses an IPv6 literal and never looks a name up. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern DNS = Pattern.compile("[A-Za-z0-9._*-]+");

    private final List<byte[]> names;

    private SubjectAltNames(List<byte[]> names) {
        this.names = names;
    }

    static SubjectAltNames of(List<String> dnsNames, List<String> ips) {
        List<byte[]> names = new ArrayList<>();
        for (String name : dnsNames) {
            if (!DNS.matcher(name).matches()) {
                throw new IllegalArgumentException("not a DNS name for a certificate: '" + name
                        + "' (ASCII letters, digits and - . _ * only, e.g. demo-0.demo)");
            }
            names.add(Der.implicit(DNS_NAME, name.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        }
        for (String ip : ips) {
            names.add(Der.implicit(IP_ADDRESS, address(ip)));
        }
        return new SubjectAltNames(names);
    }

    boolean isEmpty() {
        return names.isEmpty();
    }

    /** GeneralNames: a SEQUENCE of {@code [2] IA5String} and {@code [7] OCTET STRING}. */
    byte[] encoded() {
        return Der.sequence(names.toArray(byte[][]::new));
    }

    /** The 4 or 16 octets of an IPv4 or IPv6 literal. */
    static byte[] address(String ip) {
        var v4 = IPV4.matcher(ip);
        if (v4.matches()) {
            byte[] octets = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(v4.group(i + 1));
                if (octet > 255) {
                    throw notAnAddress(ip);
                }
                octets[i] = (byte) octet;
            }
            return octets;
        }
        if (IPV6.matcher(ip).matches()) {
            try {
                return InetAddress.getByName(ip).getAddress();
            } catch (UnknownHostException e) {
                throw notAnAddress(ip);
            }
        }
        throw notAnAddress(ip);
    }

    private static IllegalArgumentException notAnAddress(String ip) {
        return new IllegalArgumentException("not an IP address for a certificate: '" + ip
                + "' (an IPv4 or IPv6 literal, e.g. 10.0.0.7 or fd00::7)");
    }
}
