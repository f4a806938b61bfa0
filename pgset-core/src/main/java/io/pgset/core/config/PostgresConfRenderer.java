package io.pgset.core.config;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterSpec.ReplicationMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Renders an instance's complete postgresql.conf. pgset owns the file: it is rewritten before every
 * start, so what the user wants changed belongs in {@code spec.postgres.parameters}.
 */
public final class PostgresConfRenderer {

    private PostgresConfRenderer() {}

    public static String render(ClusterSpec spec, InstanceConfig instance) {
        return render(instance, settings(spec, instance));
    }

    /** Every setting the file holds, with postgres's log on its standard output (no logging collector). */
    public static Map<String, String> settings(ClusterSpec spec, InstanceConfig instance) {
        return settings(spec, instance, Map.of("logging_collector", "off"));
    }

    /**
     * Every setting the file holds, by name, in the file's order (the spec's parameters win).
     *
     * @param logging where and how postgres writes its log (the instance's runtime decides)
     */
    public static Map<String, String> settings(ClusterSpec spec, InstanceConfig instance, Map<String, String> logging) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.putAll(managed(spec, instance));
        settings.putAll(tunables(spec));
        settings.putAll(logging);
        settings.putAll(spec.postgres().parameters());
        settings.put("shared_preload_libraries",
                PreloadLibraries.merge(spec.postgres().parameters().get("shared_preload_libraries")));
        return settings;
    }

    public static String render(InstanceConfig instance, Map<String, String> settings) {
        StringBuilder out = new StringBuilder();
        out.append("# Written by pgset for ").append(instance.pod())
                .append(". Rewritten at every start: change spec.postgres.parameters instead.\n");
        settings.forEach((name, value) -> out.append(name).append(" = ").append(quote(value)).append('\n'));
        return out.toString();
    }

    /** Settings pgset depends on; the spec reader refuses user values for these. */
    private static Map<String, String> managed(ClusterSpec spec, InstanceConfig instance) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addresses", instance.listenAddresses());
        s.put("port", Integer.toString(instance.port()));
        s.put("unix_socket_directories", instance.socketDirectory().orElse(""));
        instance.socketDirectory().ifPresent(dir -> s.put("unix_socket_permissions", "0700"));
        s.put("cluster_name", instance.pod());
        s.put("wal_level", "replica");
        s.put("hot_standby", "on");
        s.put("synchronous_standby_names", synchronousStandbyNames(spec, instance.pod()));
        s.put("ssl", instance.tls().isPresent() ? "on" : "off");
        instance.tls().ifPresent(tls -> {
            s.put("ssl_cert_file", tls.certificate());
            s.put("ssl_key_file", tls.key());
            s.put("ssl_ca_file", tls.ca());
            s.put("ssl_min_protocol_version", "TLSv1.3");
        });
        instance.upstream().ifPresent(up -> {
            s.put("primary_conninfo", conninfo(up, instance.pod(), instance.tls()));
            s.put("primary_slot_name", up.slot());
        });
        return s;
    }

    /** Defaults an operator would choose for HA; the user may override any of them. */
    private static Map<String, String> tunables(ClusterSpec spec) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("password_encryption", "scram-sha-256");
        // A standby refuses to start with fewer senders or slots than its primary had, so these
        // must not follow a scale change: they stay put until a cluster outgrows 24 instances.
        s.put("max_wal_senders", Integer.toString(senders(spec)));
        s.put("max_replication_slots", Integer.toString(senders(spec)));
        // Enough WAL for a replica that was away briefly (scale-down then up) to catch up from its
        // own volume, while max_slot_wal_keep_size bounds what a stuck slot can pin.
        s.put("wal_keep_size", "256MB");
        s.put("max_slot_wal_keep_size", "1GB");
        s.put("wal_log_hints", "on");
        s.put("hot_standby_feedback", "on");
        s.put("wal_receiver_status_interval", "1s");
        // A replica told to follow a new primary restarts its WAL receiver only after this pause;
        // in sync mode no commit is acknowledged until one has, so it bounds the failover's write gap.
        s.put("wal_retrieve_retry_interval", "200ms");
        s.put("log_line_prefix", "%m [%p] %q%u@%d ");
        s.put("log_checkpoints", "on");
        return s;
    }

    static int senders(ClusterSpec spec) {
        return Math.max(32, spec.instances() + 8);
    }

    /** The primary's {@code max_wal_senders}: the spec's own value when it sets one, else pgset's. */
    public static int walSenders(ClusterSpec spec) {
        try {
            return Integer.parseInt(spec.postgres().parameters().getOrDefault("max_wal_senders",
                    Integer.toString(senders(spec))).strip());
        } catch (NumberFormatException e) { // the server's check refuses it before it gets here
            return senders(spec);
        }
    }

    static String synchronousStandbyNames(ClusterSpec spec, String self) {
        if (spec.replication().mode() != ReplicationMode.SYNC) {
            return "";
        }
        String names = IntStream.range(0, spec.instances())
                .mapToObj(spec::podName)
                .filter(pod -> !pod.equals(self))
                .map(pod -> '"' + pod + '"')
                .collect(Collectors.joining(", "));
        return "ANY " + spec.replication().syncStandbys() + " (" + names + ")";
    }

    /**
     * With TLS the replica proves itself with its client certificate and verifies the primary's.
     *
     * <p>The walreceiver connects without libpq's {@code connect_timeout} (it polls the connection
     * itself), so a connect to an address nobody answers (a primary's pod between its old and new
     * network) would wait out TCP's SYN back-off, over half a minute. {@code tcp_user_timeout} ends
     * such a connect, and a dead established connection, after 5 s; the next try follows
     * {@code wal_retrieve_retry_interval} later.
     */
    static String conninfo(InstanceConfig.Upstream up, String applicationName, Optional<InstanceConfig.Tls> tls) {
        String auth = tls.map(t -> "sslmode=verify-full sslrootcert=" + libpqQuote(t.ca()) + " sslcert="
                        + libpqQuote(t.clientCertificate()) + " sslkey=" + libpqQuote(t.clientKey()))
                .orElse("sslmode=disable passfile=" + libpqQuote(up.passfile()));
        return "host=" + up.host() + " port=" + up.port() + " user=" + up.user() + " " + auth
                + " application_name=" + applicationName
                + " connect_timeout=2 tcp_user_timeout=5000 keepalives_idle=5 keepalives_interval=2 keepalives_count=3";
    }

    public static String libpqQuote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }


    public static String quote(String value) {
        // postgresql.conf treats a backslash in a quoted value as an escape character.
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
