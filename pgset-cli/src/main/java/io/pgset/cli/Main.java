package io.pgset.cli;

import io.pgset.core.spec.SpecException;
import io.pgset.core.model.LogFormat;
import io.pgset.instance.LogLimits;
import io.pgset.instance.LogLines;
import io.pgset.instance.RollingLog;
import io.pgset.local.Launcher;
import io.pgset.local.LocalClusters;
import io.pgset.local.PgsetException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code pgset}: highly-available PostgreSQL clusters with StatefulSet semantics. */
@Command(name = "pgset", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Highly-available PostgreSQL clusters with StatefulSet semantics.")
public final class Main {

    static final String MAIN_CLASS = Main.class.getName();

    @Option(names = "--home", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Where pgset keeps its state: $PGSET_HOME when it is set, else .pgset in your home"
                    + " (/var/lib/pgset as root).")
    Path home;

    @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            converter = LogFormatOption.class,
            description = "How pgset's daemons started by this command (controller, instances) and the operator log:"
                    + " text, or json (one JSON object a line: time, level, cluster, pod, logger, message)."
                    + " Default: $PGSET_LOG_FORMAT, else text.")
    void logFormat(LogFormat format) {
        System.setProperty(LogLines.PROPERTY, format.label());
    }

    final PrintStream out;
    final PrintStream err;
    /** True when run as the pgset program, so that psql may take over the terminal. */
    final boolean console;

    Main(PrintStream out, PrintStream err, boolean console) {
        this.out = out;
        this.err = err;
        this.console = console;
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty(io.pgset.local.WarmInstances.PROPERTY) != null) { // a warm JVM: wait for its turn
            java.util.Optional<io.pgset.local.WarmInstances.Handover> handover = WarmStart.await();
            if (handover.isEmpty()) {
                System.exit(0);
            }
            args = handover.get().args().toArray(String[]::new);
            System.setProperty(LogLimits.FILE, handover.get().log().toString());
        }
        String log = System.getProperty(LogLimits.FILE);
        if (log != null) { // a daemon: its output rolls in the file it was started with
            RollingLog.redirectStandardStreams(Path.of(log), LogLimits.of(System.getProperties()));
        }
        ProcessExit.exit(run(System.out, System.err, true, args));
    }

    /** Runs one pgset command; returns its exit code. */
    public static int run(PrintStream out, PrintStream err, boolean console, String... args) {
        try {
            LogLines.configured(System.getProperties(), System.getenv());
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        // --log-format holds for this command: the next one in the same JVM (a test) starts from the same value.
        String format = System.getProperty(LogLines.PROPERTY);
        try {
            return execute(out, err, console, args);
        } finally {
            if (format == null) {
                System.clearProperty(LogLines.PROPERTY);
            } else {
                System.setProperty(LogLines.PROPERTY, format);
            }
        }
    }

    /**
     * The command line for these arguments. It knows only the command the arguments name (and the
     * options every command inherits): picocli builds the model of every command it is given, by
     * reflection over its options, which took a quarter of a second of each command's start, and a
     * daemon (the controller, an instance manager) would keep the classes and the model of some
     * twenty commands it never runs for its whole life. With no command named, or {@code help},
     * it knows every command, for the list and for suggestions.
     */
    static CommandLine commandLine(Main main, String... args) {
        CommandLine cli = new CommandLine(main);
        List<Class<?>> commands = CommandArguments.named(args).<List<Class<?>>>map(List::of)
                .orElseGet(Main::everyCommand);
        for (Class<?> command : commands) { // not a method reference: see Errors
            cli.addSubcommand(command);
        }
        return cli;
    }

    /** Every command, in the order of the help's list. */
    static List<Class<?>> everyCommand() {
        return List.of(UpCommand.class, ApplyCommand.class, StatusCommand.class, CertificatesCommand.class,
                ScaleCommand.class, DeletePodCommand.class, DownCommand.class, DeleteCommand.class,
                SwitchoverCommand.class, DashboardCommand.class, DrillCommand.class, RenderCommand.class,
                OperatorCommand.class, PsqlCommand.class, BackupCommand.class, BackupsCommand.class,
                RestoreCommand.class, LogsCommand.class, EventsCommand.class, InstanceCommand.class,
                PrepareVolumeCommand.class, ControllerCommand.class, CommandLine.HelpCommand.class);
    }

    private static int execute(PrintStream out, PrintStream err, boolean console, String... args) {
        Main daemon = new Main(out, err, console);
        java.util.Optional<java.util.concurrent.Callable<Integer>> command = DaemonCommandLine.parse(daemon, args);
        if (command.isPresent()) { // a daemon's own command line: picocli's classes stay unloaded
            return DaemonCommandLine.call(command.get(), err);
        }
        CommandLine cli = commandLine(new Main(out, err, console), args);
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setUsageHelpWidth(100);
        cli.setExecutionExceptionHandler(Errors.to(err));
        return cli.execute(args);
    }

    /**
     * pgset's own errors as one line; anything else as picocli shows it. A class, not a lambda: the
     * class-data archive cannot hold a lambda of picocli's interfaces (picocli is compiled for Java
     * 5), and building one links picocli's main class at dump time, which keeps that class, 70 KB
     * of bytecode, out of the archive too.
     */
    private static final class Errors implements CommandLine.IExecutionExceptionHandler {
        private final PrintStream err;

        private Errors(PrintStream err) {
            this.err = err;
        }

        /**
         * Made here, not in {@link Main}: there, verifying {@code Main} would load picocli's
         * interface to check that this class is one, in the daemons too, which never use picocli.
         */
        static CommandLine.IExecutionExceptionHandler to(PrintStream err) {
            return new Errors(err);
        }

        @Override
        public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed)
                throws Exception {
            if (e instanceof PgsetException || e instanceof SpecException) {
                err.println("error: " + e.getMessage());
                return 1;
            }
            throw e;
        }
    }

    Path pgsetHome() {
        if (home != null) {
            return home.toAbsolutePath();
        }
        String env = System.getenv("PGSET_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        // postgres runs as its own user when pgset runs as root, and cannot enter root's home.
        return "root".equals(System.getProperty("user.name"))
                ? Path.of("/var/lib/pgset")
                : Path.of(System.getProperty("user.home"), ".pgset");
    }

    LocalClusters clusters() {
        return new LocalClusters(pgsetHome(), Launcher.ofCurrentJvm(MAIN_CLASS).detach(), out);
    }
}
