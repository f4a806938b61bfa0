package io.pgset.core.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.OptionalDouble;

/**
 * The rules for a {@link JsonTree}'s scalar values, kept apart from the tree: when two numbers are
 * equal, how a number of one Java type reads as another, and how the lenient {@code as...}
 * readings turn a number, a boolean or a string into what was asked for (as Jackson's
 * {@code JsonNode} does). A value here is what a tree holds: an Integer, Long, BigInteger, Double
 * or BigDecimal, a Boolean, a String, or anything else (a container, null), which reads as none.
 */
final class JsonScalars {

    private JsonScalars() {}

    /** An integer of any size (not one written with a decimal point or an exponent). */
    static boolean integral(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof BigInteger;
    }

    static BigInteger bigInteger(Number n) {
        if (n instanceof BigInteger big) {
            return big;
        }
        if (n instanceof BigDecimal decimal) {
            return decimal.toBigInteger();
        }
        return BigInteger.valueOf(n.longValue());
    }

    static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal decimal) {
            return decimal;
        }
        if (n instanceof BigInteger big) {
            return new BigDecimal(big);
        }
        if (n instanceof Double d) {
            return BigDecimal.valueOf(d);
        }
        return BigDecimal.valueOf(n.longValue());
    }

    /**
     * What a number equals by: an integer by its value whatever its type, a finite double as the
     * decimal it is written as (so {@code 2.5} equals a BigDecimal {@code 2.5}, and {@code 1.0}
     * still not {@code 1.00}), anything else as it is.
     */
    static Object equalityKey(Number n) {
        if (integral(n)) {
            return bigInteger(n);
        }
        if (n instanceof Double d && Double.isFinite(d)) {
            return BigDecimal.valueOf(d);
        }
        return n;
    }

    /** A number as a long, a string that holds a number parsed, a boolean as 1 or 0; else {@code fallback}. */
    static long toLong(Object value, long fallback) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String text) {
            try {
                return Long.parseLong(text.strip()); // exact, where a double would round past 2^53
            } catch (NumberFormatException e) {
                // a decimal or an exponent, perhaps: read as a double below
            }
        }
        OptionalDouble read = readAsNumber(value);
        return read.isPresent() ? (long) read.getAsDouble() : fallback;
    }

    /** As {@link #toLong}, for a double. */
    static double toDouble(Object value, double fallback) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        return readAsNumber(value).orElse(fallback);
    }

    /** A boolean as 1 or 0, a string that holds a number parsed; empty for anything else. */
    private static OptionalDouble readAsNumber(Object value) {
        if (value instanceof Boolean b) {
            return OptionalDouble.of(b ? 1 : 0);
        }
        if (value instanceof String text) {
            try {
                return OptionalDouble.of(Double.parseDouble(text.strip()));
            } catch (NumberFormatException e) {
                return OptionalDouble.empty();
            }
        }
        return OptionalDouble.empty();
    }

    /** A boolean, a number other than 0, or the string {@code true} or {@code false}; else {@code fallback}. */
    static boolean toBoolean(Object value, boolean fallback) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof String text) {
            String word = text.strip();
            if (word.equals("true")) {
                return true;
            }
            if (word.equals("false")) {
                return false;
            }
        }
        return fallback;
    }
}
