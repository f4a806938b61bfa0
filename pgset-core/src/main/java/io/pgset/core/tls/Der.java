package io.pgset.core.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The part of ASN.1 DER (X.690) that certificates and EC keys need: encoding of the few types
 * they use, and reading a value back into its elements. Only single-byte tags (numbers below 31),
 * which is all that X.509 and SEC1 use.
 */
final class Der {

    static final int BOOLEAN = 0x01;
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0c;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;
    private static final int CONTEXT = 0x80;
    private static final int CONSTRUCTED = 0x20;

    /** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, both to the second in UTC. */
    private static final Instant GENERALIZED_FROM = Instant.parse("2050-01-01T00:00:00Z");
    private static final Instant UTC_TIME_FROM = Instant.parse("1950-01-01T00:00:00Z");
    private static final DateTimeFormatter UTC_TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED_TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private Der() {}

    /** One value as read: its tag, its content octets, and its whole encoding. */
    record Element(int tag, byte[] content, byte[] encoded) {
        /** The elements a SEQUENCE, SET or explicit tag holds. */
        List<Element> children() {
            return elements(content);
        }
    }

    static byte[] sequence(byte[]... elements) {
        return tlv(SEQUENCE, concat(elements));
    }

    static byte[] set(byte[]... elements) {
        return tlv(SET, concat(elements));
    }

    static byte[] integer(BigInteger value) {
        return tlv(INTEGER, value.toByteArray());
    }

    static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    static byte[] bool(boolean value) {
        return tlv(BOOLEAN, new byte[] {(byte) (value ? 0xff : 0x00)});
    }

    static byte[] octetString(byte[] value) {
        return tlv(OCTET_STRING, value);
    }

    /** A BIT STRING of whole bytes (keys, signatures). */
    static byte[] bitString(byte[] bytes) {
        return bitString(bytes, 0);
    }

    static byte[] bitString(byte[] bytes, int unusedBits) {
        return tlv(BIT_STRING, concat(new byte[] {(byte) unusedBits}, bytes));
    }

    static byte[] utf8String(String value) {
        return tlv(UTF8_STRING, value.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] time(Instant instant) {
        if (!instant.isBefore(UTC_TIME_FROM) && instant.isBefore(GENERALIZED_FROM)) {
            return tlv(UTC_TIME, UTC_TIME_FORMAT.format(instant).getBytes(StandardCharsets.US_ASCII));
        }
        return tlv(GENERALIZED_TIME, GENERALIZED_TIME_FORMAT.format(instant).getBytes(StandardCharsets.US_ASCII));
    }

    /** An OBJECT IDENTIFIER from its dotted form, e.g. {@code 2.5.29.19}. */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, Long.parseLong(arcs[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    /** {@code [number] EXPLICIT}: the context tag around a whole encoded value. */
    static byte[] explicit(int number, byte[] encoded) {
        return tlv(CONTEXT | CONSTRUCTED | number, encoded);
    }

    /** {@code [number] IMPLICIT} of a primitive type: the context tag in place of the type's own. */
    static byte[] implicit(int number, byte[] content) {
        return tlv(CONTEXT | number, content);
    }

    static int explicitTag(int number) {
        return CONTEXT | CONSTRUCTED | number;
    }

    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        if (content.length < 0x80) {
            out.write(content.length);
        } else {
            byte[] length = BigInteger.valueOf(content.length).toByteArray();
            int skip = length[0] == 0 ? 1 : 0;
            out.write(0x80 | (length.length - skip));
            out.write(length, skip, length.length - skip);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Exactly one value, with nothing after it. */
    static Element read(byte[] der) {
        List<Element> all = elements(der);
        if (all.size() != 1) {
            throw new IllegalArgumentException("expected one DER value, found " + all.size());
        }
        return all.get(0);
    }

    /** The values that follow one another in {@code bytes}. */
    static List<Element> elements(byte[] bytes) {
        List<Element> elements = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int start = at;
            int tag = bytes[at++] & 0xff;
            if ((tag & 0x1f) == 0x1f) {
                throw new IllegalArgumentException("DER tag numbers above 30 are not supported (at byte " + start + ")");
            }
            if (at >= bytes.length) {
                throw new IllegalArgumentException("DER value cut short at byte " + at);
            }
            int length = bytes[at++] & 0xff;
            if (length >= 0x80) {
                int octets = length & 0x7f;
                if (octets == 0 || octets > 3 || at + octets > bytes.length) {
                    throw new IllegalArgumentException("bad DER length at byte " + (at - 1));
                }
                length = 0;
                for (int i = 0; i < octets; i++) {
                    length = (length << 8) | (bytes[at++] & 0xff);
                }
            }
            if (at + length > bytes.length) {
                throw new IllegalArgumentException("DER value cut short: " + length + " bytes announced at byte " + start);
            }
            byte[] content = Arrays.copyOfRange(bytes, at, at + length);
            at += length;
            elements.add(new Element(tag, content, Arrays.copyOfRange(bytes, start, at)));
        }
        return elements;
    }

    private static void base128(ByteArrayOutputStream out, long value) {
        int groups = 1;
        for (long rest = value >>> 7; rest != 0; rest >>>= 7) {
            groups++;
        }
        for (int i = groups - 1; i >= 0; i--) {
            int group = (int) ((value >>> (7 * i)) & 0x7f);
            out.write(i == 0 ? group : group | 0x80);
        }
    }
}
