package io.pgset.core.model;

/** Sizes as specs write them: a whole number of bytes with an optional Ki, Mi, Gi or Ti suffix. */
public final class ByteSize {

    private ByteSize() {}

    /** @throws IllegalArgumentException for text that is not such a size */
    public static long bytes(String quantity) {
        if (quantity == null || !quantity.matches("[0-9]+(Ki|Mi|Gi|Ti)?")) {
            throw new IllegalArgumentException("not a size such as 1Gi: '" + quantity + "'");
        }
        int shift = switch (quantity.replaceAll("[0-9]", "")) {
            case "Ki" -> 10;
            case "Mi" -> 20;
            case "Gi" -> 30;
            case "Ti" -> 40;
            default -> 0;
        };
        String digits = quantity.replaceAll("[^0-9]", "");
        long value = Long.parseLong(digits);
        if (value > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size too large: '" + quantity + "'");
        }
        return value << shift;
    }

    /** Bytes for a person: {@code 52.3 MiB}, {@code 1.0 GiB}, {@code 900 B}. */
    public static String describe(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
