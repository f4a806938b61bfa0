package io.pgset.instance;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecException;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * postgres's configuration as pgset owns it: the newest spec, read again at every start and
 * reload; the certificates it names; postgresql.conf and pg_hba.conf. Remembers what it last
 * wrote, for status and for the comparison that tells which parameters wait for a restart.
 * Callers hold the supervisor's gate: the files have one writer at a time.
 *
 * <p>It also keeps the last good configuration: the spec postgres last started with, or reloaded
 * with nothing left pending (kept on the volume as {@value #LAST_GOOD}). When postgres refuses a
 * new spec's configuration, that spec is marked rejected and the last good one is written in its
 * place until another spec comes, so that one bad value does not keep an instance down.
 *
 * <p>A controller may hand a spec over with a reload ({@link #hand}): in a pod the spec file is a
 * mounted ConfigMap, which the kubelet brings up to date only a minute or so after the operator
 * changed it. The handed spec is the newest until the spec file changes: then the file is newer.
 */
final class ConfigWriter {

    static final String LAST_GOOD = "spec.last-good.yaml";

    private final InstanceOptions options;
    private final DataDirectory data;
    private final InstanceTls tls;
    private final InstanceLog log;
    private final PgBackRest pgBackRest;

    private volatile ClusterSpec spec;
    private volatile String specVersion = "";
    private volatile Map<String, String> settings = Map.of();
    /** Whether postgres was last configured with TLS (sessions follow it, not an older spec). */
    private volatile boolean tlsOn;
    /** The last spec postgres took; empty until it took one. */
    private volatile Optional<ClusterSpec> good;
    /** The version of the spec postgres refused, and why; empty when it took the newest. */
    private volatile String rejectedVersion = "";
    private volatile String rejected = "";
    /** The spec a controller handed over, and the spec file's version at that moment; empty when none. */
    private volatile Optional<Handed> handed = Optional.empty();

    private record Handed(ClusterSpec spec, String fileVersion) {}

    private static final String INVALID = "invalid";

    ConfigWriter(InstanceOptions options, DataDirectory data, InstanceTls tls, InstanceLog log, PgBackRest pgBackRest) {
        this.options = options;
        this.pgBackRest = pgBackRest;
        this.data = data;
        this.tls = tls;
        this.log = log;
        this.spec = options.spec();
        this.good = readLastGood();
    }

    private Optional<ClusterSpec> readLastGood() {
        Path file = options.volume().resolve(LAST_GOOD);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(SpecReader.read(file));
        } catch (SpecException e) {
            log.warn("ignoring the last good configuration in " + file + ": " + String.join("; ", e.problems()));
            return Optional.empty();
        }
    }

    /**
     * The spec file as it is now, or the spec handed over while the file has not changed since. An
     * invalid spec file fails a reload ({@code strict}: the caller hears why); a start goes on with
     * the last good spec rather than not at all.
     */
    ClusterSpec newestSpec(boolean strict) throws IOException {
        ClusterSpec wanted = handed.map(Handed::spec).orElse(spec);
        if (options.specFile().isPresent()) {
            Optional<Handed> over = handed;
            try {
                ClusterSpec file = SpecReader.read(options.specFile().get());
                if (over.isEmpty() || !over.get().fileVersion().equals(SpecReader.version(file))) {
                    wanted = file;
                    handed = Optional.empty(); // changed since the hand-over: the file is the newer
                }
            } catch (SpecException e) {
                // Invalid then and now: the handed spec stands. Otherwise the file went wrong.
                if (over.isEmpty() || !over.get().fileVersion().equals(INVALID)) {
                    String why = "the spec file is invalid, keeping spec " + SpecReader.version(spec) + ": "
                            + String.join("; ", e.problems());
                    if (strict) {
                        throw new IOException(why, e);
                    }
                    log.warn(why);
                }
            }
        }
        if (!rejectedVersion.isEmpty()) {
            if (good.isPresent() && SpecReader.version(wanted).equals(rejectedVersion)) {
                return good.get();
            }
            log.info("a new spec (" + SpecReader.version(wanted) + ") replaces the rejected " + rejectedVersion);
            rejectedVersion = "";
            rejected = "";
        }
        return wanted;
    }

    /**
     * Takes a spec the controller handed over as the newest, until the spec file changes; refuses
     * another cluster's.
     */
    void hand(ClusterSpec newer) throws IOException {
        if (!newer.name().equals(spec.name())) {
            throw new IOException("the spec handed over is cluster " + newer.name() + "'s, not " + spec.name() + "'s");
        }
        String fileVersion = "";
        if (options.specFile().isPresent()) {
            try {
                fileVersion = SpecReader.version(SpecReader.read(options.specFile().get()));
            } catch (SpecException e) {
                fileVersion = INVALID; // a valid file that comes later is a change
            }
        }
        handed = Optional.of(new Handed(newer, fileVersion));
    }

    /** Whether postgres runs (or is being started) with a spec it has not taken yet, and a good one to go back to. */
    boolean tryingNew() {
        return good.isPresent() && !SpecReader.version(good.get()).equals(specVersion) && rejectedVersion.isEmpty();
    }

    /**
     * Marks the spec just written as refused by postgres; the next {@link #write} goes back to
     * the last good configuration.
     */
    void reject(String why) {
        String back = SpecReader.version(good.orElseThrow());
        rejectedVersion = specVersion;
        rejected = "could not use the configuration of spec " + specVersion + " (" + why + "); it went back to its"
                + " last good configuration, spec " + back;
        log.warn("postgres refused the configuration of spec " + specVersion + " (" + why + "); going back to the"
                + " last good configuration, spec " + back);
    }

    /** Records the spec postgres runs with now as the last good one. */
    void markGood() throws IOException {
        if (good.map(g -> SpecReader.version(g).equals(specVersion)).orElse(false) || !rejectedVersion.isEmpty()) {
            return;
        }
        DurableFiles.writePrivate(options.volume().resolve(LAST_GOOD), SpecReader.write(spec));
        good = Optional.of(spec);
    }

    /** Why postgres refused the newest spec, which the instance then left for its last good one; empty otherwise. */
    String rejected() {
        return rejected;
    }

    /** The newest spec's version, also when postgres refused it: the instance has dealt with it. */
    String reportedVersion() {
        return rejectedVersion.isEmpty() ? specVersion : rejectedVersion;
    }

    /** The certificate files postgres and its peers use, issued or renewed as needed; none with TLS off. */
    void prepareTls(ClusterSpec wanted) throws IOException {
        tlsOn = wanted.tls().enabled();
        if (!wanted.tls().enabled()) {
            data.useTls(Optional.empty());
            return;
        }
        if (tls.ensure(wanted, false)) {
            log.info("certificates issued, valid until " + tls.expires().orElseThrow());
        }
        data.useTls(Optional.of(tls.files()));
    }

    /**
     * Writes postgresql.conf and pg_hba.conf (and the certificates they name, and pgbackrest.conf
     * when the instance archives) from the newest spec.
     */
    void write(Optional<InstanceOptions.Endpoint> follow, boolean strict) throws IOException {
        ClusterSpec wanted = newestSpec(strict);
        prepareTls(wanted);
        Map<String, String> archive = pgBackRest.enabled(wanted)
                ? pgBackRest.configure(wanted, data.systemIdentifier()) : Map.of();
        settings = data.writeConfig(wanted, follow, archive);
        spec = wanted;
        specVersion = SpecReader.version(wanted);
    }

    ClusterSpec spec() {
        return spec;
    }

    String specVersion() {
        return specVersion;
    }

    Map<String, String> settings() {
        return settings;
    }

    boolean tlsOn() {
        return tlsOn;
    }
}
