package io.pgset.instance;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The instance manager's log: every line names the cluster and the instance it is about. */
final class InstanceLog {

    private static final Logger LOG = LoggerFactory.getLogger("pgset.instance");

    private final String context;

    InstanceLog(String cluster, String pod) {
        this.context = "cluster=" + cluster + " pod=" + pod;
    }

    void info(String what) {
        LOG.info("{} {}", context, what);
    }

    void warn(String what) {
        LOG.warn("{} {}", context, what);
    }
}
