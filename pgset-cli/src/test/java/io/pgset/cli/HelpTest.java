package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command answers --help and --version, and its help is whole sentences; bad numbers are refused. */
class HelpTest {

    private record Run(int exit, String out, String err) {}

    private static Run pgset(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Main.run(o, e, false, args);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Set<String> commands() {
        return Main.commandLine(new Main(System.out, System.err, false)).getSubcommands().keySet();
    }

    @Test
    void everyCommandPrintsItsUsageForHelp() {
        assertThat(commands()).contains("up", "scale", "apply", "psql", "instance", "controller", "prepare-volume");
        for (String command : commands()) {
            for (String flag : List.of("--help", "-h")) {
                Run r = pgset(command, flag);
                assertThat(r.exit()).as("pgset %s %s: %s", command, flag, r.err()).isZero();
                assertThat(r.out()).as("pgset %s %s", command, flag).contains("Usage: pgset " + command);
                assertThat(r.err()).as("pgset %s %s", command, flag).isEmpty();
            }
        }
    }

    @Test
    void aCommandLineHoldsOnlyTheCommandItNamesAndItsInheritedOptions() {
        Main main = new Main(System.out, System.err, false);
        for (String daemon : List.of("instance", "controller")) {
            CommandLine cli = Main.commandLine(main, daemon, "--home=/x", "--cluster=demo");
            assertThat(cli.getSubcommands().keySet()).as(daemon).containsExactly(daemon);
            assertThat(cli.getSubcommands().get(daemon).getCommandSpec().findOption("--home")).as(daemon).isNotNull();
            Run help = pgset(daemon, "--home=/x", "--help");
            assertThat(help.exit()).as(help.err()).isZero();
            assertThat(help.out()).contains("Usage: pgset " + daemon, "--home", "--log-format");
        }
        assertThat(Main.commandLine(main, "status").getSubcommands()).containsOnlyKeys("status");
        assertThat(Main.commandLine(main, "--home", "up", "--log-format=json", "status").getSubcommands())
                .as("the value of --home is no command").containsOnlyKeys("status");
        int every = Main.everyCommand().size();
        assertThat(Main.commandLine(main).getSubcommands()).as("no command").hasSize(every);
        assertThat(Main.commandLine(main, "--home", "/x", "--help").getSubcommands()).as("--help").hasSize(every);
        assertThat(Main.commandLine(main, "help", "up").getSubcommands()).as("help").hasSize(every);
        assertThat(Main.commandLine(main, "stauts").getSubcommands()).as("a misspelt command").hasSize(every);
        for (Class<?> command : Main.everyCommand()) {
            String name = command.getAnnotation(picocli.CommandLine.Command.class).name();
            assertThat(CommandArguments.command(name)).as(name)
                    .isEqualTo(command == CommandLine.HelpCommand.class ? Optional.empty() : Optional.of(command));
        }
        Run misspelt = pgset("--home=/x", "stauts");
        assertThat(misspelt.exit()).isNotZero();
        assertThat(misspelt.err()).contains("stauts", "status");
    }

    @Test
    void everyCommandPrintsTheVersion() {
        for (String command : commands()) {
            if (command.equals("help")) {
                continue; // picocli's help command takes a command name, not options
            }
            Run r = pgset(command, "--version");
            assertThat(r.exit()).as("pgset %s --version: %s", command, r.err()).isZero();
            assertThat(r.out().strip()).as("pgset %s --version", command).matches("pgset \\d+\\.\\d+\\.\\S+ \\(Java .+\\)");
        }
        assertThat(pgset("-V").out()).startsWith("pgset ").doesNotContain("unknown");
    }

    @Test
    void theCommandListShowsWholeSentences() {
        String help = pgset("--help").out();
        String list = help.substring(help.indexOf("Commands:"));
        for (String command : commands()) {
            CommandLine sub = Main.commandLine(new Main(System.out, System.err, false)).getSubcommands().get(command);
            if (command.equals("help")) {
                continue; // picocli's own
            }
            if (sub.getCommandSpec().usageMessage().hidden()) {
                assertThat(list).as("hidden %s", command).doesNotContain("  " + command + " ");
                continue;
            }
            String first = sub.getCommandSpec().usageMessage().description()[0];
            assertThat(first).as("the first line of %s's description", command).endsWith(".");
            assertThat(list.replaceAll("\\s+", " ")).as("%s in the command list", command).contains(first);
        }
    }

    @Test
    void everyVisibleOptionAndParameterIsDescribed() {
        for (var entry : Main.commandLine(new Main(System.out, System.err, false)).getSubcommands().entrySet()) {
            var spec = entry.getValue().getCommandSpec();
            if (spec.usageMessage().hidden() || entry.getKey().equals("help")) {
                continue;
            }
            spec.options().stream().filter(o -> !o.hidden()).forEach(o -> assertThat(String.join(" ", o.description()))
                    .as("%s %s", entry.getKey(), o.longestName()).endsWith("."));
            spec.positionalParameters().stream().filter(p -> !p.hidden()).forEach(p -> assertThat(
                    String.join(" ", p.description())).as("%s %s", entry.getKey(), p.paramLabel()).endsWith("."));
        }
    }

    @Test
    void timeoutsAndInstancesBelowOneAreRefused() {
        for (String[] command : List.of(new String[] {"up", "--timeout", "0"}, new String[] {"up", "--timeout", "-5"},
                new String[] {"apply", "-f", "x.yaml", "--timeout", "0"},
                new String[] {"scale", "demo", "--instances", "2", "--timeout", "-1"})) {
            Run r = pgset(command);
            assertThat(r.exit()).as(String.join(" ", command)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", command))
                    .contains("Invalid value for option '--timeout'", "must be a whole number of seconds from 1");
        }
        Run zero = pgset("scale", "demo", "--instances", "0");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).contains("Invalid value for option '--instances'", "must be a whole number from 1");
        assertThat(pgset("up", "--timeout", "soon").err()).contains("'soon' is not a whole number of seconds");
    }
}
