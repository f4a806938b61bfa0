package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.instance.LogLines;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The daemons' command line read without picocli reads every option of {@code instance} and
 * {@code controller} exactly as picocli does, and leaves to picocli whatever it does not take whole.
 */
class DaemonCommandLineTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream(), true);

    @AfterEach
    void forgetLogFormat() {
        System.clearProperty(LogLines.PROPERTY);
    }

    @Test
    void everyOptionOfTheDaemonCommandsReadsAsPicocliReadsIt() throws Exception {
        for (Class<?> type : List.of(InstanceCommand.class, ControllerCommand.class)) {
            String name = type.getAnnotation(CommandLine.Command.class).name();
            for (boolean attached : List.of(true, false)) {
                List<String> args = new ArrayList<>(List.of(name));
                for (Field field : options(type)) {
                    String option = field.getAnnotation(Option.class).names()[0];
                    if (field.getType() == boolean.class) {
                        args.add(option);
                    } else if (attached) {
                        args.add(option + "=" + sample(field));
                    } else {
                        args.addAll(List.of(option, sample(field)));
                    }
                }
                args.addAll(List.of("--home", "/srv/pgset"));
                String[] line = args.toArray(String[]::new);

                Object ours = DaemonCommandLine.parse(new Main(QUIET, QUIET, false), line).orElseThrow();
                Object picocli = picocli(line);

                assertThat(ours).isInstanceOf(type);
                for (Field field : options(type)) {
                    assertThat(field.get(ours)).as("%s of %s", field.getName(), String.join(" ", line))
                            .isNotNull().isNotEqualTo(false).isEqualTo(field.get(picocli));
                }
                assertThat(((Main) type.getDeclaredField("main").get(ours)).pgsetHome()).isEqualTo(Path.of("/srv/pgset"));
            }
        }
    }

    @Test
    void theRuntimesCommandLinesAreRead() {
        Callable<Integer> instance = DaemonCommandLine.parse(new Main(QUIET, QUIET, false), "instance",
                "--home=/h", "--cluster=demo", "--ordinal=2", "--port=5433", "--api-port=8009",
                "--upstream=127.0.0.1:5432", "--pod-dir=/h/clusters/demo/pods/demo-2", "--log-format=json").orElseThrow();

        assertThat(((InstanceCommand) instance).ordinal).isEqualTo(2);
        assertThat(((InstanceCommand) instance).upstream).isEqualTo("127.0.0.1:5432");
        assertThat(((InstanceCommand) instance).newDatabase).isFalse();
        assertThat(System.getProperty(LogLines.PROPERTY)).isEqualTo("json");
    }

    @Test
    void whatItDoesNotTakeWholeIsLeftToPicocli() {
        List<List<String>> lines = List.of(
                List.of("instance", "--help"),
                List.of("instance", "--cluster=demo", "--version"),
                List.of("controller", "-h"),
                List.of("instance"), // no --cluster, which picocli requires
                List.of("instance", "--cluster=demo", "--bogus=1"),
                List.of("instance", "--cluster=demo", "--ordinal=one"),
                List.of("instance", "--cluster=demo", "--new-database=yes"),
                List.of("instance", "--cluster=demo", "--port"),
                List.of("controller", "--cluster=a", "--cluster=b"),
                List.of("controller", "--cluster=demo", "--ordinal=1"), // an instance's option
                List.of("--ordinal=1", "instance", "--cluster=demo"), // before its command
                List.of("instance", "--cluster=demo", "controller"),
                List.of("instance", "--cluster=demo", "--log-format=xml"),
                List.of("up"),
                List.of("--home=/h"),
                List.of());
        for (List<String> line : lines) {
            assertThat(DaemonCommandLine.parse(new Main(QUIET, QUIET, false), line.toArray(String[]::new)))
                    .as(String.join(" ", line)).isEmpty();
        }
        assertThat(System.getProperty(LogLines.PROPERTY)).as("a line not taken sets nothing").isNull();
    }

    @Test
    void picocliStillAnswersWhatIsLeftToIt() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);

        int exit = Main.run(QUIET, errors, false, "instance", "--cluster=demo", "--ordinal=one");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--ordinal").contains("one");
    }

    @Test
    void aDaemonsOwnErrorsAreOneLineAndItsExitCodeIsKept() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);

        int exit = Main.run(QUIET, errors, false, "instance", "--cluster=demo");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: give --ordinal, --port and --api-port");
    }

    /** The command picocli makes of these arguments. */
    private static Object picocli(String... args) {
        CommandLine cli = Main.commandLine(new Main(QUIET, QUIET, false), args);
        CommandLine.ParseResult parsed = cli.parseArgs(args);
        return parsed.subcommand().commandSpec().userObject();
    }

    private static List<Field> options(Class<?> type) {
        return Arrays.stream(type.getDeclaredFields()).filter(f -> f.isAnnotationPresent(Option.class)).toList();
    }

    /** A value of the field's type, distinct per field so that a mix-up shows. */
    private static String sample(Field field) {
        Class<?> type = field.getType();
        if (type == Integer.class || type == int.class) {
            return Integer.toString(1000 + Math.abs(field.getName().hashCode() % 1000));
        }
        if (type == Path.class) {
            return "/srv/" + field.getName();
        }
        if (type == String.class) {
            return "value-of-" + field.getName();
        }
        throw new AssertionError("DaemonCommandLine reads no option of type " + type + ": " + field + "; add it there and here");
    }
}
