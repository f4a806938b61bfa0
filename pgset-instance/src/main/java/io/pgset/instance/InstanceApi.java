package io.pgset.instance;

import io.pgset.core.tls.TlsNames;
import io.pgset.core.model.InstanceStatus;
import io.pgset.instance.ApiServer.Response;
import io.pgset.instance.metrics.InstanceMetrics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The instance API: probes, status, metrics and actions, on the instance's own port.
 *
 * <pre>
 * GET  /startupz /healthz /readyz   probes (no token; they answer only ok or why not)
 * GET  /status                      {@link InstanceStatus} as JSON
 * GET  /metrics                     Prometheus text format, sampled every few seconds ({@link InstanceMetrics})
 * PUT  /slots  {"slots": [...]}     primary only: keep exactly these replication slots
 * POST /promote                     promote this replica to primary
 * POST /follow {"host","port"}      stream from that primary (a former primary is rewound)
 * POST /demote {"host","port"}      switchover: stop cleanly, restart as a replica of that primary;
 *                                   answers the shutdown checkpoint LSN
 * POST /restart                     stop postgres cleanly and start it again
 * POST /reload                      reload postgres's configuration ({"spec": "..."}: this spec's)
 * POST /certificates/renew          issue new certificates now; postgres reloads them (no restart)
 * POST /backup {"type","repo"}       primary only: start a pgBackRest backup on this volume; answers
 *                                   202 at once, 409 while one runs or on a replica
 * GET  /backup                      the backup that runs or ran last; 404 when none ran since start
 * </pre>
 *
 * A body with a missing or wrongly typed field is answered 400, naming each such field and what it
 * must be, and nothing is done (see {@link RequestBodies}).
 */
public final class InstanceApi {

    private InstanceApi() {}

    /** Serves the API, on a local socket as well (see {@link LocalApiSockets}). */
    public static ApiServer serve(InstanceManager manager, InstanceOptions options, Optional<LocalApiSockets> local)
            throws IOException {
        ApiTls.ServerTls tls = ApiTls.server(ApiTls.authority(options.secrets()),
                TlsNames.server(options.spec().name(), options.ordinal(), options.namespace()), List.of(options.host()),
                Duration.ofDays(options.spec().tls().validityDays()));
        ApiServer api = new ApiServer(options.host(), options.apiPort(), manager.secrets().apiToken(), options.pod(),
                tls.context());
        manager.renewApiCertificate(tls);
        api.open("GET", "/startupz", body -> Response.probe(manager.started(), "bootstrap or first start not finished"))
           .open("GET", "/healthz", body -> Response.probe(manager.live(), "postgres has been down too long"))
           .open("GET", "/readyz", body -> {
               InstanceStatus s = manager.status();
               return Response.probe(s.ready(), s.message());
           })
           .secured("GET", "/status", body -> Response.json(manager.status()))
           .secured("GET", "/metrics", body -> new Response(200, io.pgset.instance.metrics.Exposition.CONTENT_TYPE, manager.metrics().scrape()))
           .secured("PUT", "/slots", body -> {
               List<String> wanted = RequestBodies.slots(body);
               return Response.json(Map.of("changes", manager.ensureSlots(wanted)));
           })
           .secured("POST", "/promote", body -> {
               manager.promote();
               return Response.json(Map.of("promoted", true));
           })
           .secured("POST", "/follow", body -> {
               InstanceOptions.Endpoint primary = RequestBodies.endpoint(body);
               manager.follow(primary);
               return Response.json(Map.of("following", primary.toString()));
           })
           .secured("POST", "/demote", body -> {
               String checkpoint = manager.demote(RequestBodies.endpoint(body));
               return Response.json(Map.of("shutdownCheckpoint", checkpoint));
           })
           .secured("POST", "/restart", body -> {
               manager.restart();
               return Response.json(Map.of("restarting", true));
           })
           .secured("POST", "/certificates/renew", body -> {
               Instant expires = manager.renewCertificates();
               return Response.json(Map.of("expires", expires.toString()));
           })
           .secured("POST", "/backup", body -> Response.json(202, manager.startBackup(RequestBodies.backup(body))))
           .secured("GET", "/backup", body -> manager.lastBackup().map(Response::json).orElse(Response.text(404,
                   "no backup since " + options.pod() + "'s instance manager started\n")))
           .secured("POST", "/reload", body -> {
               manager.reload(RequestBodies.reload(body));
               return Response.json(Map.of("reloaded", true));
           });
        local.ifPresent(api::serveLocally);
        api.start();
        return api;
    }
}
