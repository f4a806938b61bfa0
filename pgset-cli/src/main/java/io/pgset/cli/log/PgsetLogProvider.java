package io.pgset.cli.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of pgset's processes (controller, instance managers, operator, and the
 * libraries the operator uses), so that they all log in one format, text or JSON lines
 * ({@link io.pgset.instance.LogLines}).
 */
public final class PgsetLogProvider implements SLF4JServiceProvider {

    private ILoggerFactory loggers;
    private IMarkerFactory markers;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return new NOPMDCAdapter();
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        loggers = new PgsetLoggers();
        markers = new BasicMarkerFactory();
    }
}
