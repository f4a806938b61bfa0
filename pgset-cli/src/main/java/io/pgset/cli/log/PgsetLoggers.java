package io.pgset.cli.log;

import io.pgset.core.model.LogFormat;
import io.pgset.instance.LogLines;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/**
 * pgset's loggers, one per name. The format is read from {@link LogLines#PROPERTY} or
 * {@link LogLines#ENVIRONMENT} at each line, so that {@code --log-format} counts from the moment
 * it is parsed; a value that is not a format was refused before anything logged (see Main), and
 * here falls back to text.
 */
final class PgsetLoggers implements ILoggerFactory {

    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new PgsetLogger(n, Clock.systemUTC()));
    }

    static LogFormat format() {
        try {
            return LogLines.configured(System.getProperties(), System.getenv());
        } catch (IllegalArgumentException e) {
            return LogFormat.TEXT;
        }
    }
}
