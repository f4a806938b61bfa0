package io.pgset.core.config;

import java.util.List;

/** PostgreSQL parameter values with units, as pg_settings gives them (a number in the parameter's base unit). */
public final class ParameterUnits {

    private static final List<String> MEMORY = List.of("TB", "GB", "MB", "kB");

    private ParameterUnits() {}

    /**
     * A value in its base unit as postgres would write it: memory in the largest whole unit
     * ({@code 16384} of {@code 8kB} is {@code 128MB}), time with its unit ({@code 60s}), a number
     * without a unit as it is.
     *
     * @param unit pg_settings.unit: {@code 8kB}, {@code kB}, {@code B}, {@code ms}, {@code s}, ... or null
     */
    public static String display(String value, String unit) {
        if (value == null) {
            return "";
        }
        if (unit == null || unit.isEmpty()) {
            return value;
        }
        long bytesPerUnit = bytes(unit);
        if (bytesPerUnit <= 0) {
            return value + unit;
        }
        long n;
        try {
            n = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return value + unit;
        }
        if (n <= 0) {
            return value.strip(); // 0 and -1 mean off or unlimited: postgres shows them bare
        }
        long bytes = n * bytesPerUnit;
        for (String big : MEMORY) {
            long size = bytes(big);
            if (bytes % size == 0) {
                return bytes / size + big;
            }
        }
        return bytes + "B";
    }

    /** Bytes per memory unit; 0 for a unit that is not one of memory. */
    static long bytes(String unit) {
        return switch (unit) {
            case "B" -> 1L;
            case "kB" -> 1024L;
            case "8kB" -> 8192L;
            case "16MB" -> 16L << 20;
            case "MB" -> 1L << 20;
            case "GB" -> 1L << 30;
            case "TB" -> 1L << 40;
            default -> 0L;
        };
    }
}
