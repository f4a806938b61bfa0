package io.pgset.instance;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * How large a log file grows before it rolls, and how many files of one log are kept: for
 * pgset's own logs (controller, instance managers) and postgres's (its logging collector).
 * Defaults 10 MB x 5 files; the system properties {@code pgset.log.maxBytes} and
 * {@code pgset.log.files} of the pgset command change them, and the daemons it starts inherit
 * them.
 */
public record LogLimits(long maxBytes, int files) {

    public static final LogLimits DEFAULT = new LogLimits(10L * 1024 * 1024, 5);

    static final String MAX_BYTES = "pgset.log.maxBytes";
    static final String FILES = "pgset.log.files";
    /** The file a daemon's standard output and error roll in; set by whoever starts it. */
    public static final String FILE = "pgset.log.file";

    public LogLimits {
        if (maxBytes < 1024) {
            throw new IllegalArgumentException(MAX_BYTES + " must be at least 1024 (postgres rotates in kB), got " + maxBytes);
        }
        if (files < 2) {
            throw new IllegalArgumentException(FILES + " must be at least 2 (the current file and one older), got " + files);
        }
    }

    /** The limits the system properties give, the defaults for those that are not set. */
    public static LogLimits of(Properties properties) {
        return new LogLimits(number(properties, MAX_BYTES, DEFAULT.maxBytes()),
                (int) number(properties, FILES, DEFAULT.files()));
    }

    /** What a started daemon needs on its command line to keep these limits. */
    public List<String> jvmFlags() {
        List<String> flags = new ArrayList<>();
        if (!equals(DEFAULT)) {
            flags.add("-D" + MAX_BYTES + "=" + maxBytes);
            flags.add("-D" + FILES + "=" + files);
        }
        return flags;
    }

    /** postgres's log_rotation_size, in kB. */
    public long rotationKb() {
        return (maxBytes + 1023) / 1024;
    }

    private static long number(Properties properties, String name, long fallback) {
        String value = properties.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'", e);
        }
    }
}
