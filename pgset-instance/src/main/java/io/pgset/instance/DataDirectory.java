package io.pgset.instance;

import io.pgset.core.config.HbaRenderer;
import io.pgset.core.config.InstanceConfig;
import io.pgset.core.config.PostgresConfRenderer;
import io.pgset.core.model.ClusterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An instance's volume: makes sure it holds a usable PGDATA and writes the configuration pgset
 * owns before each start.
 *
 * <p>How PGDATA comes to be:
 * <ol>
 *   <li>A volume whose {@code bootstrapped} marker exists holds data from an earlier life: it is
 *       used as it is, whatever else happens.</li>
 *   <li>Otherwise anything in it is the remains of a bootstrap that never finished (nobody ever
 *       wrote to it), and is removed.</li>
 *   <li>An instance told to start from its own data, with none there, stops with an error:
 *       filling the volume with a new database would fork the cluster's history.</li>
 *   <li>With no upstream the instance is a new cluster's first primary: initdb with SCRAM and
 *       data checksums. Roles, database and init SQL follow once postgres runs
 *       ({@link Bootstrap}); the marker is written only after that.</li>
 *   <li>With an upstream it clones it with pg_basebackup into a side directory, using its own
 *       replication slot, and moves the copy into place only when it is complete.</li>
 * </ol>
 */
final class DataDirectory {

    static final String MARKER = "bootstrapped";

    private final InstanceOptions options;
    private final Tools tools;
    private final PostgresUser user;

    private volatile Optional<InstanceConfig.Tls> tls = Optional.empty();

    DataDirectory(InstanceOptions options, Tools tools, PostgresUser user) {
        this.options = options;
        this.tools = tools;
        this.user = user;
    }

    /** The certificate files connections use from now on; empty while TLS is off. */
    void useTls(Optional<InstanceConfig.Tls> files) {
        this.tls = files;
    }

    /** libpq TLS settings: verify the peer against the cluster CA, and show the replication certificate when asked. */
    private String tlsConninfo(boolean clientCertificate) {
        return tls.map(t -> " sslmode=verify-full sslrootcert=" + PostgresConfRenderer.libpqQuote(t.ca())
                + (clientCertificate ? " sslcert=" + PostgresConfRenderer.libpqQuote(t.clientCertificate())
                        + " sslkey=" + PostgresConfRenderer.libpqQuote(t.clientKey()) : ""))
                .orElse(" sslmode=disable");
    }

    boolean bootstrapped() {
        return Files.exists(options.volume().resolve(MARKER));
    }

    void markBootstrapped() throws IOException {
        Files.writeString(options.volume().resolve(MARKER), options.pod() + "\n");
    }

    boolean isStandby() {
        return Files.exists(options.pgdata().resolve("standby.signal"));
    }

    Path replicationPassfile() {
        return options.volume().resolve("replication.pgpass");
    }

    /** pg_rewind reads the source's files through a superuser connection. */
    Path superuserPassfile() {
        return options.volume().resolve("superuser.pgpass");
    }

    /** Brings PGDATA into existence when it is not there yet; see the class comment. */
    void ensure(Secrets secrets) throws IOException {
        user.privateDirectory(options.volume());
        user.privateFile(replicationPassfile(),
                "*:*:*:" + HbaRenderer.REPLICATION_USER + ":" + escape(secrets.replicationPassword()) + "\n");
        user.privateFile(superuserPassfile(), "*:*:*:postgres:" + escape(secrets.superuserPassword()) + "\n");
        if (bootstrapped()) {
            return;
        }
        deleteRecursively(options.pgdata());
        Optional<InstanceOptions.Endpoint> upstream = options.upstream();
        if (upstream.isEmpty() && !options.newDatabase()) {
            throw new IOException("volume " + options.volume() + " holds no finished database, but this instance was"
                    + " asked to start from its own data (the cluster existed before); refusing to create a new,"
                    + " different database there. Restore the volume, or delete the cluster with --volumes to start over");
        }
        if (upstream.isEmpty()) {
            initdb(secrets);
        } else {
            cloneFrom(upstream.get());
        }
    }

    private void initdb(Secrets secrets) throws IOException {
        System.out.println("pod=" + options.pod() + " initdb " + options.pgdata());
        Path pwfile = options.volume().resolve("initdb.pw");
        user.privateFile(pwfile, secrets.superuserPassword() + "\n");
        try {
            List<String> args = new ArrayList<>(List.of("-D", options.pgdata().toString(), "-U", "postgres",
                    "--pwfile=" + pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"));
            if (options.spec().bootstrap().initdb().dataChecksums()) {
                args.add("--data-checksums");
            }
            tools.run(Duration.ofMinutes(5), "initdb", args.toArray(String[]::new));
        } finally {
            Files.deleteIfExists(pwfile);
        }
    }

    /**
     * Turns a former primary's data into a replica of {@code upstream}: pg_rewind winds back what
     * it wrote after the two diverged (it runs crash recovery first if the old primary died), and
     * when that is impossible the data is cloned anew. Either way the result is a standby.
     *
     * @return how it rejoined, for the log and the events
     */
    String rejoin(InstanceOptions.Endpoint upstream) throws IOException {
        String source = "host=" + upstream.host() + " port=" + upstream.port() + " user=postgres dbname=postgres"
                + " passfile=" + superuserPassfile() + tlsConninfo(false) + " connect_timeout=5";
        awaitNoPostmaster();
        try {
            tools.run(Duration.ofHours(1), "pg_rewind", "--target-pgdata=" + options.pgdata(),
                    "--source-server=" + source);
            Files.writeString(options.pgdata().resolve("standby.signal"), "");
            user.own(options.pgdata().resolve("standby.signal"));
            return "rewound with pg_rewind";
        } catch (IOException rewindFailed) {
            System.out.println("pod=" + options.pod() + " pg_rewind failed (" + rewindFailed.getMessage()
                    + "); cloning anew from " + upstream);
            Files.deleteIfExists(options.volume().resolve(MARKER));
            deleteRecursively(options.pgdata());
            cloneFrom(upstream);
            return "cloned anew after pg_rewind failed";
        }
    }

    /** Makes the (cleanly stopped) data start as a standby. */
    void markStandby() throws IOException {
        Files.writeString(options.pgdata().resolve("standby.signal"), "");
        user.own(options.pgdata().resolve("standby.signal"));
    }

    /** The "Latest checkpoint location" pg_controldata reports: after a clean stop, the shutdown checkpoint. */
    String shutdownCheckpoint() throws IOException {
        String out = tools.output(Duration.ofSeconds(30), "pg_controldata", "-D", options.pgdata().toString());
        return out.lines().filter(l -> l.startsWith("Latest checkpoint location:"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip())
                .findFirst().orElseThrow(() -> new IOException("pg_controldata printed no checkpoint location"));
    }

    /**
     * A killed postmaster can take a moment to be gone for good (its teardown, or reaping of the
     * orphan); until then its pid file makes pg_rewind's crash recovery refuse the directory.
     */
    private void awaitNoPostmaster() throws IOException {
        Path pidFile = options.pgdata().resolve("postmaster.pid");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Files.exists(pidFile) && System.nanoTime() < deadline) {
            long pid;
            try {
                pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
            } catch (RuntimeException | IOException e) {
                return;
            }
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the old postmaster " + pid + " to exit", e);
            }
        }
    }

    private void cloneFrom(InstanceOptions.Endpoint upstream) throws IOException {
        System.out.println("pod=" + options.pod() + " cloning from " + upstream);
        Path staging = options.volume().resolve("pgdata.clone");
        deleteRecursively(staging);
        String conninfo = "host=" + upstream.host() + " port=" + upstream.port() + " user="
                + HbaRenderer.REPLICATION_USER + " passfile=" + replicationPassfile() + tlsConninfo(true)
                + " connect_timeout=5";
        tools.run(Duration.ofHours(6), "pg_basebackup", "-d", conninfo, "-D", staging.toString(),
                "-X", "stream", "-S", options.spec().slotName(options.ordinal()), "-c", "fast", "--no-password");
        Files.writeString(staging.resolve("standby.signal"), "");
        user.own(staging.resolve("standby.signal"));
        Files.move(staging, options.pgdata(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        markBootstrapped();
    }

    /**
     * Writes postgresql.conf and pg_hba.conf from this spec; a replica also gets its upstream.
     *
     * @param follow the primary to stream from, for an instance whose data is a standby's
     * @return the settings written, by name
     */
    Map<String, String> writeConfig(ClusterSpec spec, Optional<InstanceOptions.Endpoint> follow) throws IOException {
        Optional<InstanceConfig.Upstream> upstream = follow.map(up -> new InstanceConfig.Upstream(up.host(), up.port(),
                HbaRenderer.REPLICATION_USER, replicationPassfile().toString(), spec.slotName(options.ordinal())));
        InstanceConfig config = new InstanceConfig(options.pod(), options.host(), options.port(), upstream, tls);
        Path pgdata = options.pgdata();
        Map<String, String> settings = PostgresConfRenderer.settings(spec, config);
        user.privateFile(pgdata.resolve("postgresql.conf"), PostgresConfRenderer.render(config, settings));
        user.privateFile(pgdata.resolve("pg_hba.conf"), HbaRenderer.render(spec, options.peers()));
        return settings;
    }

    /**
     * Bytes used on the volume, measured at most every {@link #VOLUME_MEASURE_EVERY}: walking a
     * volume is the slowest part of a status, which the controller asks for several times a second.
     */
    long volumeBytes() {
        long now = System.nanoTime();
        if (volumeMeasuredAt != 0 && now - volumeMeasuredAt < VOLUME_MEASURE_EVERY.toNanos()) {
            return volumeBytes;
        }
        try (Stream<Path> files = Files.walk(options.volume())) {
            volumeBytes = files.filter(Files::isRegularFile).mapToLong(DataDirectory::size).sum();
            volumeMeasuredAt = now;
        } catch (IOException | java.io.UncheckedIOException e) {
            // files come and go under a running postgres; the next call gets a figure
        }
        return volumeBytes;
    }

    private static final Duration VOLUME_MEASURE_EVERY = Duration.ofSeconds(5);
    private volatile long volumeBytes;
    private volatile long volumeMeasuredAt;

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
