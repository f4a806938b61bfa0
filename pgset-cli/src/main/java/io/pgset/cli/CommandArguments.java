package io.pgset.cli;

import java.util.Optional;
import java.util.Set;

/**
 * Which command a command line names, read before picocli parses it: the first argument that is
 * not one of pgset's own options ({@code --home DIR}, {@code --log-format FORMAT}, help and
 * version) nor the value of one. Only that command's class is loaded: a class literal of every
 * command would load them all, into every daemon.
 */
final class CommandArguments {

    /** pgset's own options that take a value as the next argument (unless given as {@code --name=value}). */
    private static final Set<String> WITH_VALUE = Set.of("--home", "--log-format");

    private CommandArguments() {}

    /** The command the arguments name; empty when they name none (or {@code help}, which needs every command). */
    static Optional<Class<?>> named(String... args) {
        for (int i = 0; i < args.length; i++) {
            if (WITH_VALUE.contains(args[i])) {
                i++; // its value
            } else if (!args[i].startsWith("-")) {
                return command(args[i]);
            }
        }
        return Optional.empty();
    }

    /** The command of this name, as its {@code @Command} names it; {@code HelpTest} checks every one. */
    static Optional<Class<?>> command(String name) {
        Class<?> command = switch (name) {
            case "up" -> UpCommand.class;
            case "apply" -> ApplyCommand.class;
            case "status" -> StatusCommand.class;
            case "certificates" -> CertificatesCommand.class;
            case "scale" -> ScaleCommand.class;
            case "delete-pod" -> DeletePodCommand.class;
            case "down" -> DownCommand.class;
            case "delete" -> DeleteCommand.class;
            case "switchover" -> SwitchoverCommand.class;
            case "dashboard" -> DashboardCommand.class;
            case "drill" -> DrillCommand.class;
            case "render" -> RenderCommand.class;
            case "operator" -> OperatorCommand.class;
            case "psql" -> PsqlCommand.class;
            case "backup" -> BackupCommand.class;
            case "backups" -> BackupsCommand.class;
            case "restore" -> RestoreCommand.class;
            case "logs" -> LogsCommand.class;
            case "events" -> EventsCommand.class;
            case "instance" -> InstanceCommand.class;
            case "prepare-volume" -> PrepareVolumeCommand.class;
            case "controller" -> ControllerCommand.class;
            default -> null;
        };
        return Optional.ofNullable(command);
    }
}
