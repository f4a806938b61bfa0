package io.pgset.local;

import io.pgset.instance.LogLimits;
import io.pgset.instance.LogLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts pgset's own daemons (the controller, instance managers) as detached processes: each in
 * its own session (setsid), so it outlives the command that started it, and so that its process
 * group holds it and the postgres it runs, which lets the runtime fence an instance in one kill.
 *
 * @param javaCommand the JVM and class path to run pgset with, e.g. {@code [java, -cp, jar, io.pgset.cli.Main]}
 * @param detached    whether the daemons are left as no child of this JVM ({@link DetachedProcess}):
 *                    for a command that ends while they run on
 */
public record Launcher(List<String> javaCommand, boolean detached) {

    public Launcher(List<String> javaCommand) {
        this(javaCommand, false);
    }

    /** The same, for a short-lived command: the daemons it starts are not its children. */
    public Launcher detach() {
        return new Launcher(javaCommand, true);
    }

    /** This JVM's java running {@code mainClass}, from the daemons' jar beside this class path's ({@link DaemonJvm#classPath}). */
    public static Launcher ofCurrentJvm(String mainClass) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new Launcher(List.of(java, "-cp", DaemonJvm.classPath(System.getProperty("java.class.path")), mainClass));
    }

    /**
     * Starts a daemon whose log is {@code log}: the daemon rolls it itself (see
     * {@code RollingLog}); what the JVM prints before that, or outside Java, is appended to it
     * here.
     */
    public Process start(List<String> args, Path log) throws IOException {
        // The marker that identifies the process goes first: the JDK reads at most 4096 bytes of a
        // command line, and a long class path would push an argument at the end out of sight.
        String marker = args.stream().filter(a -> a.startsWith("--pod-dir=") || a.startsWith("--cluster-dir="))
                .findFirst().orElse(null);
        List<String> command = command(marker, List.of("-D" + LogLimits.FILE + "=" + log.toAbsolutePath()));
        command.addAll(args);
        java.nio.file.Files.createDirectories(log.getParent());
        return start(command, false, log);
    }

    /**
     * Starts a warm JVM ({@link WarmInstances}) that will become the daemon marked {@code marker}
     * once it is handed its arguments on standard input, and exits when that closes unused. Until
     * then, what its JVM prints goes to {@code jvmLog} (afterwards pgset's own lines go to the log
     * it is handed; the JVM's own messages still go to {@code jvmLog}).
     */
    public Process startWarm(String marker, Path jvmLog) throws IOException {
        List<String> command = command(marker, List.of("-D" + WarmInstances.PROPERTY + "=true"));
        return start(command, true, jvmLog);
    }

    /** {@code java}, the marker, the daemon JVM flags, {@code extra}, then the class path and main class. */
    private List<String> command(String marker, List<String> extra) {
        List<String> command = new ArrayList<>();
        command.add(javaCommand.get(0));
        if (marker != null) {
            command.add("-Dpgset.marker=" + marker);
        }
        command.addAll(DaemonJvm.flags(classPath(), marker, System.getenv()));
        command.addAll(LogLimits.of(System.getProperties()).jvmFlags());
        String format = System.getProperty(LogLines.PROPERTY);
        if (format != null) { // --log-format of the command that starts the daemon
            command.add("-D" + LogLines.PROPERTY + "=" + format);
        }
        command.addAll(extra);
        command.addAll(javaCommand.subList(1, javaCommand.size()));
        return command;
    }

    /**
     * Starts {@code command} in a session of its own, its output appended to {@code log}; standard
     * input a pipe from here when {@code warm}.
     */
    private Process start(List<String> command, boolean warm, Path log) throws IOException {
        if (detached) {
            return DetachedProcess.start(command, log, warm, DaemonJvm.ENVIRONMENT);
        }
        List<String> inItsSession = new ArrayList<>(List.of("setsid"));
        inItsSession.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(inItsSession);
        builder.environment().putAll(DaemonJvm.ENVIRONMENT);
        return builder
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(warm ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
    }

    private String classPath() {
        int at = javaCommand.indexOf("-cp");
        return at >= 0 && at + 1 < javaCommand.size() ? javaCommand.get(at + 1) : "";
    }
}
