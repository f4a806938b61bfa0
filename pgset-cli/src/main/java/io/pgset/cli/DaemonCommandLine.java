package io.pgset.cli;

import io.pgset.core.model.LogFormat;
import io.pgset.core.spec.SpecException;
import io.pgset.instance.LogLines;
import io.pgset.local.PgsetException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The command line of pgset's daemons, {@code instance} and {@code controller}, read without
 * picocli: its 190-odd classes and the model of the command would stay in each daemon for its whole
 * life, about 1.5 MiB of its memory ({@code bench/footprint.sh}). It reads every option of the two
 * commands (their {@code @Option} fields, which stay the reference: {@code DaemonCommandLineTest}
 * parses each one both ways) and pgset's own {@code --home} and {@code --log-format}, as
 * {@code --name=value} or {@code --name value}, which is what the runtimes write (the controller's
 * and the watchdog's launches, a pod's container command).
 *
 * <p>Anything else goes to picocli as before: help, version, an option it does not know or given
 * twice, a value that does not convert, a missing {@code --cluster}. So a person who types a daemon's command sees the
 * usual help and errors, and this reader never refuses what picocli would take.
 */
final class DaemonCommandLine {

    private DaemonCommandLine() {}

    /** The daemon command these arguments run, ready to call; empty when picocli should read them. */
    static Optional<Callable<Integer>> parse(Main main, String... args) {
        Reader reader = new Reader(main, args);
        try {
            return reader.read();
        } catch (RuntimeException notOurs) { // a value that does not convert: picocli says what is wrong
            return Optional.empty();
        }
    }

    /** Runs a daemon command as picocli would: pgset's own errors as one line, anything else with its trace. */
    static int call(Callable<Integer> command, PrintStream err) {
        try {
            return command.call();
        } catch (PgsetException | SpecException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            e.printStackTrace(err);
            return 1;
        }
    }

    /** One pass over the arguments. */
    private static final class Reader {
        private final Main main;
        private final String[] args;
        private int at;

        Reader(Main main, String[] args) {
            this.main = main;
            this.args = args;
        }

        Optional<Callable<Integer>> read() {
            InstanceCommand instance = null;
            ControllerCommand controller = null;
            String format = null;
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (at = 0; at < args.length; at++) {
                String arg = args[at];
                String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                if (arg.startsWith("-") && !seen.add(name)) {
                    return Optional.empty(); // an option given twice, which picocli refuses
                }
                if (!arg.startsWith("-")) {
                    if (instance != null || controller != null) {
                        return Optional.empty(); // a second command, or a stray argument
                    }
                    if (arg.equals("instance")) {
                        instance = new InstanceCommand();
                    } else if (arg.equals("controller")) {
                        controller = new ControllerCommand();
                    } else {
                        return Optional.empty();
                    }
                } else if (name.equals("--home")) {
                    main.home = Path.of(value(arg));
                } else if (name.equals("--log-format")) {
                    format = LogFormat.of(value(arg)).label();
                } else if (!(instance != null && instanceOption(instance, name, arg)
                        || controller != null && controllerOption(controller, name, arg))) {
                    return Optional.empty(); // help, version, or an option of neither
                }
            }
            if (format != null) {
                System.setProperty(LogLines.PROPERTY, format);
            }
            if (instance != null && instance.cluster != null) {
                instance.main = main;
                return Optional.of(instance);
            }
            if (controller != null && controller.cluster != null) {
                controller.main = main;
                return Optional.of(controller);
            }
            return Optional.empty();
        }

        private boolean instanceOption(InstanceCommand command, String name, String arg) {
            switch (name) {
                case "--cluster" -> command.cluster = value(arg);
                case "--ordinal" -> command.ordinal = Integer.valueOf(value(arg));
                case "--port" -> command.port = Integer.valueOf(value(arg));
                case "--api-port" -> command.apiPort = Integer.valueOf(value(arg));
                case "--upstream" -> command.upstream = value(arg);
                case "--new-database" -> {
                    if (!arg.equals(name)) {
                        throw new IllegalArgumentException("a flag with a value: " + arg);
                    }
                    command.newDatabase = true;
                }
                case "--pod-dir" -> command.podDir = Path.of(value(arg));
                case "--volume" -> command.volume = Path.of(value(arg));
                case "--secrets" -> command.secrets = Path.of(value(arg));
                case "--spec" -> command.spec = Path.of(value(arg));
                case "--init-sql" -> command.initSql = Path.of(value(arg));
                case "--kubeconfig" -> command.kubeconfig = Path.of(value(arg));
                default -> {
                    return false;
                }
            }
            return true;
        }

        private boolean controllerOption(ControllerCommand command, String name, String arg) {
            switch (name) {
                case "--cluster" -> command.cluster = value(arg);
                case "--cluster-dir" -> command.clusterDir = Path.of(value(arg));
                default -> {
                    return false;
                }
            }
            return true;
        }

        /** The option's value: after its {@code =}, or the next argument. */
        private String value(String arg) {
            int equals = arg.indexOf('=');
            if (equals >= 0) {
                return arg.substring(equals + 1);
            }
            if (at + 1 >= args.length) {
                throw new IllegalArgumentException("no value for " + arg);
            }
            return args[++at];
        }
    }
}
