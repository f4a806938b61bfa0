package io.pgset.core.spec;

import io.pgset.core.json.JsonTree;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.PodManagementPolicy;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one way user input becomes a {@link ClusterSpec}: parse, check every field, apply every
 * default. A spec that breaks any rule is refused with all of its problems at once, each with its
 * field path; nothing is corrected silently.
 *
 * <p>The accepted document, with its defaults:
 *
 * <pre>
 * apiVersion: pgset.io/v1alpha1
 * kind: PostgresCluster
 * metadata: {name: demo}         # also namespace, labels, annotations: accepted, ignored
 * spec:
 *   instances: 3                 # 1..99
 *   podManagementPolicy: OrderedReady   # or Parallel: missing replicas are created together
 *   postgres: {version: "15", binDir: /usr/lib/postgresql/15/bin, parameters: {}}
 *   storage: {size: 1Gi, retainOnScaleDown: true, retainOnDelete: true}   # storageClass: fast (Kubernetes)
 *   replication: {mode: sync, syncStandbys: 1}   # mode: sync from 3 instances, async below
 *   bootstrap: {initdb: {database: app, owner: app, dataChecksums: true, initSql: []}}
 *     # or recovery: {source: {cluster: old, repository: local}, target: {time: "2026-11-29T10:00:00+00:00"}}
 *     # (target: time, lsn, name or immediate: true; none replays all archived WAL)
 *   backup: {repository: {type: posix, path: /abs}, schedule: "0 3 * * *", retention: {full: 7}}
 *   tls: {enabled: true, validityDays: 90}
 *   network: {allow: ["127.0.0.1/32"]}   # left out on Kubernetes: the namespace's pods
 *   scheduling: {nodeSelector: {}, tolerations: []}   # Kubernetes only
 *   services: {rw: {type: ClusterIP}}   # Kubernetes only; or LoadBalancer (needs network.allow)
 *   disruption: {maxUnavailable: 1}
 *   failover: {delaySeconds: 0}
 * </pre>
 *
 * Backup is off unless the section is present. A field written as {@code null} counts as absent.
 * A replication mode the spec leaves out is derived from {@code instances} (sync, {@code ANY
 * syncStandbys}, with two standbys or more; async with fewer) and derived again when the cluster
 * is scaled; a mode the spec names is kept as it is. The canonical document leaves it out too.
 */
public final class SpecReader {

    private SpecReader() {}

    /** Reads a YAML or JSON document. */
    public static ClusterSpec read(String text) {
        return read(text, ParameterValidator.NONE);
    }

    /** Reads a document and checks its parameters against the installed server as well. */
    public static ClusterSpec read(String text, ParameterValidator parameters) {
        return checked(SpecYaml.parse(text), parameters);
    }

    public static ClusterSpec read(Path file) {
        return read(file, ParameterValidator.NONE);
    }

    /**
     * Reads a spec file, checking its parameters with {@code parameters} too; every problem, of the
     * spec and of its parameters, is reported at once.
     */
    public static ClusterSpec read(Path file, ParameterValidator parameters) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new SpecException(List.of(file + ": cannot read the spec file: " + reason(e)), e);
        }
        return read(text, parameters);
    }

    /** The cluster every default describes. */
    public static ClusterSpec defaults(String name) {
        JsonTree document = JsonTree.object();
        document.put("apiVersion", SpecParser.API_VERSION);
        document.put("kind", SpecParser.KIND);
        document.putObject("metadata").put("name", name);
        return checked(document, ParameterValidator.NONE);
    }

    /** The canonical document for a spec; {@code read(write(spec))} equals {@code spec}. */
    public static String write(ClusterSpec spec) {
        return SpecWriter.write(spec);
    }

    /**
     * A short fingerprint of the spec: instances report the version whose configuration they have
     * loaded, and the controller compares it with the version it wants. How instances are created
     * ({@code podManagementPolicy}) is the controller's business alone, so it leaves the version as
     * it is: changing it reloads no instance.
     */
    public static String version(ClusterSpec spec) {
        Fingerprint last = lastVersion;
        if (last != null && last.spec() == spec) {
            return last.version();
        }
        String canonical = write(spec.withPodManagementPolicy(PodManagementPolicy.ORDERED_READY));
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String version = java.util.HexFormat.of().formatHex(digest, 0, 6);
            lastVersion = new Fingerprint(spec, version);
            return version;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * The last spec fingerprinted, and its version: a controller asks for the same spec's version
     * several times a pass, many passes a second, and each answer would write the whole canonical
     * document anew. Kept for that very object: it is not changed, so its version is not either.
     */
    private record Fingerprint(ClusterSpec spec, String version) {}

    private static volatile Fingerprint lastVersion;

    private static ClusterSpec checked(JsonTree document, ParameterValidator parameters) {
        List<String> problems = new ArrayList<>();
        ClusterSpec spec = SpecParser.parse(SpecNode.root(document, problems));
        if (problems.stream().noneMatch(p -> p.startsWith("spec.postgres.version") || p.startsWith("spec.postgres.binDir"))) {
            problems.addAll(parameters.problems(spec.postgres()));
        }
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        return spec;
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
