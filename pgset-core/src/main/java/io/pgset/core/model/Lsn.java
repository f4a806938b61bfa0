package io.pgset.core.model;

/** PostgreSQL log sequence numbers in their text form {@code 16/B374D848}. */
public final class Lsn {
    private Lsn() {}

    public static long parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an LSN: " + text);
        }
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    /** Bytes between two LSNs, never negative; 0 when either is unknown. */
    public static long distance(String ahead, String behind) {
        if (ahead == null || behind == null) {
            return 0;
        }
        return Math.max(0, parse(ahead) - parse(behind));
    }
}
