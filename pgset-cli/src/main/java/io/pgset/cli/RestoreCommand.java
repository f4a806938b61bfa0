package io.pgset.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pgset.core.config.PgBackRestRestore;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.spec.SpecReader;
import io.pgset.instance.InstalledServer;
import io.pgset.local.PgsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "restore", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Create a new cluster from another cluster's backups, recovered to a point in time, and wait until"
                + " it is Healthy.",
                "The source is only read, and may have been deleted (delete keeps its backups). The new cluster gets the"
                + " source's spec (or the defaults when the source is gone) with spec.bootstrap.recovery set; without a"
                + " target all archived WAL is replayed. For anything else, write spec.bootstrap.recovery yourself and"
                + " use `pgset up -f`."})
final class RestoreCommand implements Callable<Integer> {

    /**
     * Created on first use, not when picocli builds the command tree: a static mapper here loaded
     * jackson-databind into every command, and so into the class-data archive that the daemons map
     * in full (about 300 classes, 2 MiB of each daemon's RSS).
     */
    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());
    }

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "The cluster whose backups to recover from.")
    String source;

    @Parameters(index = "1", paramLabel = "NEW", description = "The name of the new cluster.")
    String name;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Target target;

    static final class Target {
        @Option(names = "--time", paramLabel = "TIME", required = true,
                description = "Stop at this moment: ISO-8601 with a zone offset, e.g. 2026-11-29T10:00:00+00:00.")
        String time;

        @Option(names = "--lsn", paramLabel = "LSN", required = true, description = "Stop at this WAL location, e.g. 0/3000060.")
        String lsn;

        @Option(names = "--restore-point", paramLabel = "NAME", required = true,
                description = "Stop at a restore point made with pg_create_restore_point().")
        String restorePoint;

        @Option(names = "--immediate", required = true, description = "Stop at the end of the backup.")
        boolean immediate;
    }

    @Option(names = "--instances", paramLabel = "N",
            description = "Instances of the new cluster (default: the source's, or 1 when the source is gone).")
    Integer instances;

    @Option(names = "--repository", paramLabel = "NAME",
            description = "Which of the source's repositories (default: its first).")
    String repository;

    @Option(names = "--system-identifier", paramLabel = "ID",
            description = "Which incarnation of the source, when its repository holds several.")
    String systemIdentifier;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600", converter = Seconds.class,
            description = "How many seconds to wait for Healthy (default: ${DEFAULT-VALUE}); a large restore takes long.")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        if (main.clusters().exists(name)) {
            throw new PgsetException("cluster " + name + " exists already; restore creates a new cluster: choose another"
                    + " name, or delete " + name + " first");
        }
        ClusterSpec spec = SpecReader.read(document(), InstalledServer.validator());
        main.out.println("cluster " + name + ": recovering from cluster " + source + "'s backups to "
                + PgBackRestRestore.describe(spec.bootstrap().recovery().orElseThrow().target()));
        ClusterStatus status = main.clusters().up(Optional.of(spec), name, timeout);
        Connect.print(main.out, status, main.clusters().home(status.name()));
        return 0;
    }

    /** The source's spec (or the defaults), renamed, with the recovery section this command describes. */
    private String document() throws Exception {
        Path sourceSpec = main.clusters().home(source).spec();
        boolean sourceExists = Files.exists(sourceSpec);
        ClusterSpec base = sourceExists ? SpecReader.read(sourceSpec) : SpecReader.defaults(name);
        ObjectNode root = (ObjectNode) Yaml.MAPPER.readTree(SpecReader.write(base));
        ((ObjectNode) root.get("metadata")).put("name", name);
        ObjectNode spec = (ObjectNode) root.get("spec");
        spec.put("instances", instances != null ? instances : sourceExists ? base.instances() : 1);
        ObjectNode bootstrap = (ObjectNode) spec.get("bootstrap");
        ((ObjectNode) bootstrap.get("initdb")).remove("initSql"); // the restored database has run it already
        ObjectNode recovery = bootstrap.putObject("recovery");
        ObjectNode from = recovery.putObject("source").put("cluster", source);
        if (repository != null) {
            from.put("repository", repository);
        }
        if (systemIdentifier != null) {
            from.put("systemIdentifier", systemIdentifier);
        }
        ObjectNode to = recovery.putObject("target");
        if (target != null && target.time != null) {
            to.put("time", target.time);
        } else if (target != null && target.lsn != null) {
            to.put("lsn", target.lsn);
        } else if (target != null && target.restorePoint != null) {
            to.put("name", target.restorePoint);
        } else if (target != null && target.immediate) {
            to.put("immediate", true);
        }
        if (!spec.has("backup")) {
            spec.putObject("backup"); // the new cluster archives from its first moment, into its own repository
        }
        return Yaml.MAPPER.writeValueAsString(root);
    }
}
