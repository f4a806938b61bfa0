package io.pgset.core.spec;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/** Checks an address range for pg_hba.conf: {@code 10.0.0.0/8}, {@code fd00::/8}. */
public final class Cidr {

    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    /**
     * InetAddress parses IPv6 literals without a DNS lookup only when the text starts with a hex
     * digit or ':' and contains ':'; this pattern guarantees both before it is called.
     */
    private static final Pattern IPV6_TEXT = Pattern.compile("[0-9a-fA-F:][0-9a-fA-F:.]*");
    private static final Pattern LENGTH = Pattern.compile("0|[1-9][0-9]{0,2}");

    private Cidr() {}

    static Optional<String> check(String value) {
        int slash = value.indexOf('/');
        if (slash < 0) {
            return problem("must be a network in CIDR notation (10.0.0.7/32 for one host)", value);
        }
        Optional<byte[]> address = parse(value.substring(0, slash));
        if (address.isEmpty()) {
            return problem("must start with an IPv4 or IPv6 address (such as 10.0.0.0/8 or fd00::/8)",
                    value);
        }
        byte[] bytes = address.get();
        int bits = bytes.length * 8;
        String length = value.substring(slash + 1);
        if (!LENGTH.matcher(length).matches() || Integer.parseInt(length) > bits) {
            return problem("must have a prefix length from 0 to " + bits, value);
        }
        int prefix = Integer.parseInt(length);
        byte[] network = masked(bytes, prefix);
        if (!Arrays.equals(bytes, network)) {
            return problem("must have no address bits set after the prefix (the network is "
                    + format(network) + "/" + prefix + ")", value);
        }
        return Optional.empty();
    }

    /**
     * Whether the address is in one of these (valid) ranges, as pg_hba.conf would decide: IPv4
     * ranges match IPv4 addresses, IPv6 ranges IPv6 ones (and IPv4-mapped ones by their mapping).
     */
    public static boolean contains(java.util.List<String> ranges, InetAddress address) {
        for (String range : ranges) {
            int slash = range.indexOf('/');
            Optional<byte[]> network = parse(range.substring(0, slash));
            if (network.isEmpty()) {
                continue;
            }
            byte[] candidate = address.getAddress();
            if (network.get().length == 16) {
                candidate = sixteenBytes(candidate);
            }
            int prefix = Integer.parseInt(range.substring(slash + 1));
            if (candidate.length == network.get().length && Arrays.equals(masked(candidate, prefix), network.get())) {
                return true;
            }
        }
        return false;
    }

    private static Optional<String> problem(String requirement, String value) {
        return Optional.of(requirement + ", got " + Describe.text(value));
    }

    private static Optional<byte[]> parse(String address) {
        if (IPV4.matcher(address).matches()) {
            return Optional.of(literal(address).orElseThrow(IllegalStateException::new));
        }
        if (!address.contains(":") || !IPV6_TEXT.matcher(address).matches()) {
            return Optional.empty();
        }
        return literal(address).map(Cidr::sixteenBytes);
    }

    private static Optional<byte[]> literal(String text) {
        try {
            return Optional.of(InetAddress.getByName(text).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** InetAddress turns {@code ::ffff:1.2.3.4} into an IPv4 address; the text is IPv6, so is its prefix. */
    private static byte[] sixteenBytes(byte[] address) {
        if (address.length == 16) {
            return address;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(address, 0, mapped, 12, 4);
        return mapped;
    }

    private static byte[] masked(byte[] address, int prefix) {
        byte[] network = address.clone();
        for (int bit = prefix; bit < network.length * 8; bit++) {
            network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return network;
    }

    /** Java prints every group ({@code fd00:0:0:0:0:0:0:0}); people write {@code fd00::}. */
    private static String compressed(String address) {
        String[] groups = address.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int start = 0; start < groups.length; start++) {
            int end = start;
            while (end < groups.length && groups[end].equals("0")) {
                end++;
            }
            if (end - start > bestLength) {
                bestStart = start;
                bestLength = end - start;
            }
        }
        if (bestStart < 0) {
            return address;
        }
        return String.join(":", Arrays.copyOfRange(groups, 0, bestStart)) + "::"
                + String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
    }

    private static String format(byte[] address) {
        try {
            return address.length == 4
                    ? InetAddress.getByAddress(address).getHostAddress()
                    : compressed(Inet6Address.getByAddress(null, address, -1).getHostAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }
}
