package io.pgset.instance;

import io.pgset.core.model.ClusterSpec.PostgresSpec;
import io.pgset.core.plan.RolloutPreview;
import io.pgset.core.spec.ParameterCatalog;
import io.pgset.core.spec.ParameterCheck;
import io.pgset.core.spec.ParameterValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The PostgreSQL server installed in one bin directory, asked about parameters without a cluster:
 * its catalog ({@code postgres --describe-config}, read once per directory), and what it makes of
 * one value ({@code postgres -C name -c name=value} over an empty configuration, which parses the
 * value exactly as a start would, then exits).
 */
public final class InstalledServer implements ParameterCheck.Server {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Map<Path, ParameterCatalog> CATALOGS = new ConcurrentHashMap<>();
    /**
     * Problems of parameter sets checked before, by bin directory and parameters: the operator
     * reads the same spec every second, and the answer for it does not change.
     */
    private static final Map<PostgresSpec, List<String>> CHECKED = new ConcurrentHashMap<>();
    private static final int CHECKED_KEPT = 64;

    private final Path binDir;
    private final Tools tools;
    private final PostgresUser user;
    private Path scratch;

    public InstalledServer(Path binDir) {
        this.binDir = binDir;
        this.user = PostgresUser.current();
        this.tools = new Tools(binDir, user);
    }

    /**
     * Checks parameters against the server the spec names. Where no postgres is installed there,
     * only the spec's own rules apply: what needs the server is checked where it runs.
     */
    public static ParameterValidator validator() {
        return InstalledServer::problems;
    }

    private static List<String> problems(PostgresSpec postgres) {
        Path bin = Path.of(postgres.binDir());
        if (postgres.parameters().isEmpty() || !Files.isExecutable(bin.resolve("postgres"))) {
            return List.of();
        }
        List<String> known = CHECKED.get(postgres);
        if (known != null) {
            return known;
        }
        InstalledServer server = new InstalledServer(bin);
        try {
            List<String> problems = List.copyOf(ParameterCheck.problems(server.catalog(), postgres, server));
            if (CHECKED.size() >= CHECKED_KEPT) {
                CHECKED.clear();
            }
            CHECKED.put(postgres, problems);
            return problems;
        } catch (UncheckedIOException e) {
            return List.of("spec.postgres.binDir: cannot ask " + bin.resolve("postgres") + " about parameters: "
                    + e.getCause().getMessage());
        } finally {
            server.close();
        }
    }

    /** Whether a postgres program is installed in {@code binDir}. */
    public static boolean installed(Path binDir) {
        return Files.isExecutable(binDir.resolve("postgres"));
    }

    public ParameterCatalog catalog() {
        return CATALOGS.computeIfAbsent(binDir, dir -> {
            try {
                return ParameterCatalog.parse(tools.output(TIMEOUT, "postgres", "--describe-config"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public String refusal(String name, String value) {
        try {
            Tools.Ran ran = tools.execute(TIMEOUT, "postgres", "-D", scratch().toString(), "-C", name, "-c",
                    name + "=" + value);
            return ran.exit() == 0 ? "" : ran.output();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value postgres takes when its configuration does not set the parameter, in its base unit. */
    public String serverDefault(String name) throws IOException {
        Tools.Ran ran = tools.execute(TIMEOUT, "postgres", "-D", scratch().toString(), "-C", name);
        if (ran.exit() != 0) {
            throw new IOException("postgres -C " + name + " failed: " + ran.output().strip());
        }
        return ran.output().lines().filter(l -> !l.contains(" LOG: ")).reduce((a, b) -> b).orElse("").strip();
    }

    /** This server as {@link RolloutPreview} asks it: contexts from the catalog, defaults from postgres -C. */
    public RolloutPreview.Server forPreview() {
        return new RolloutPreview.Server() {
            @Override
            public java.util.Optional<ParameterCatalog.Context> context(String parameter) {
                return catalog().find(parameter).map(ParameterCatalog.Definition::context);
            }

            @Override
            public String serverDefault(String parameter) {
                try {
                    return InstalledServer.this.serverDefault(parameter);
                } catch (IOException e) {
                    return "?";
                }
            }
        };
    }

    /** A configuration directory with nothing set, readable by the postgres user. */
    private Path scratch() throws IOException {
        if (scratch == null) {
            Path dir = Files.createTempDirectory("pgset-parameters");
            user.privateDirectory(dir);
            user.privateFile(dir.resolve("postgresql.conf"), "");
            user.privateFile(dir.resolve("postgresql.auto.conf"), "");
            scratch = dir;
        }
        return scratch;
    }

    /** Removes the scratch directory. */
    public void close() {
        if (scratch == null) {
            return;
        }
        try (var files = Files.list(scratch)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(scratch);
        } catch (IOException e) {
            // a few bytes left in the temp directory; nothing depends on them
        }
        scratch = null;
    }
}
