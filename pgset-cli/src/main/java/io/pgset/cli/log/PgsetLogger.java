package io.pgset.cli.log;

import io.pgset.instance.LogLines;
import io.pgset.instance.LogStream;
import java.time.Clock;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One named logger of pgset's processes: INFO and above, written to the {@link LogStream} in the
 * format {@link PgsetLoggers#format()} says at each call.
 */
final class PgsetLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    private final transient Clock clock;

    PgsetLogger(String name, Clock clock) {
        this.name = name;
        this.clock = clock;
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return false;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable thrown) {
        String message = String.valueOf(MessageFormatter.basicArrayFormat(pattern, arguments)); // "null" for none
        String line = LogLines.format(PgsetLoggers.format(), clock.instant(), level.name(), name, message, thrown);
        LogStream.println(line);
    }
}
