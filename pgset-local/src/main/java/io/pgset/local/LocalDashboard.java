package io.pgset.local;

import io.pgset.instance.DurableFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where a running cluster's dashboard answers: its controller's loopback port, with the cluster's
 * API token in the URL's fragment (browsers never send a fragment; the page hands the token to
 * its own requests as a header).
 */
public final class LocalDashboard {

    private LocalDashboard() {}

    /** The dashboard's URL with the token; refuses a cluster that is unknown or not running. */
    public static URI url(LocalClusters clusters, String name) {
        ClusterHome home = clusters.existing(name);
        if (!new ControllerClient(home).running()) {
            throw new PgsetException("cluster " + name + " is not running; start it with `pgset up " + name
                    + "`, then ask for its dashboard");
        }
        int port = Json.read(home.controllerFile()).map(n -> n.path("dashboardPort").asInt()).orElse(0);
        if (port == 0) {
            throw new PgsetException("the controller of " + name + " runs a pgset without the dashboard;"
                    + " `pgset down " + name + "` then `pgset up " + name + "` restarts it with this one");
        }
        try {
            return URI.create("http://" + Ports.LOOPBACK + ":" + port + "/#token=" + LocalSecrets.apiToken(home));
        } catch (IOException e) {
            throw new PgsetException("cannot read the API token of " + name + ": " + IoMessages.describe(e), e);
        }
    }

    /**
     * A page in the cluster's private secrets directory (0600) that sends a browser on to the
     * dashboard: what {@code pgset dashboard --open} hands to the desktop's opener, so that the
     * token appears in no command line another user could list.
     */
    public static Path openingPage(LocalClusters clusters, String name, URI url) {
        Path page = clusters.existing(name).secrets().resolve("dashboard.html");
        try {
            DurableFiles.writePrivate(page, redirect(url));
        } catch (IOException e) {
            throw new PgsetException("cannot write " + page + ": " + IoMessages.describe(e), e);
        }
        return page;
    }

    static String redirect(URI url) {
        String target = url.toString().replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
        return "<!doctype html>\n<meta charset=\"utf-8\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
                + "<meta http-equiv=\"refresh\" content=\"0; url=" + target + "\">\n"
                + "<title>pgset dashboard</title>\n<a href=\"" + target + "\">open the dashboard</a>\n";
    }
}
