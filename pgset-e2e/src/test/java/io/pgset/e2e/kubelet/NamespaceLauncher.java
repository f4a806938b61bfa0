package io.pgset.e2e.kubelet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs a container on this machine's root filesystem: in the pod's network namespace
 * ({@code ip netns exec}), in new mount, UTS, IPC and pid namespaces ({@code unshare}), where a
 * small script bind-mounts the volumes at their mount paths, sets the host name, and then execs the
 * command as the pod's user and groups with no capabilities ({@code setpriv}) and only the pod's
 * environment ({@code env -i}).
 *
 * <p>A mount path this machine lacks is created (empty) on its root filesystem first: without a
 * root filesystem of its own there is nowhere else for a mount point to be.
 */
final class NamespaceLauncher implements ContainerLauncher {

    @Override
    public RunningContainer launch(ContainerLaunch launch) throws IOException {
        Path script = launch.log().resolveSibling(launch.log().getFileName() + ".sh");
        Files.writeString(script, script(launch));
        List<String> command = List.of("ip", "netns", "exec", launch.networkNamespace(),
                "unshare", "--mount", "--uts", "--ipc", "--pid", "--fork", "--kill-child", "--mount-proc",
                "--propagation", "private", "--", "/bin/sh", script.toString());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.log().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        return new RunningContainer(process, "pgset-kubelet://" + launch.networkNamespace() + "/" + process.pid());
    }

    /** The shell script that sets the container up inside its namespaces and becomes its command. */
    static String script(ContainerLaunch launch) {
        List<String> lines = new ArrayList<>();
        lines.add("set -e");
        lines.add("hostname " + quote(launch.hostname()));
        List<ContainerLaunch.Mount> done = new ArrayList<>();
        for (ContainerLaunch.Mount mount : launch.mounts()) {
            for (ContainerLaunch.Mount other : done) {
                if (mount.source().toAbsolutePath().startsWith(Path.of(other.target()))) {
                    throw new IllegalStateException("process kubelet: the mount at " + other.target() + " would hide "
                            + mount.source() + " from the container's mounts; keep the kubelet's folder elsewhere");
                }
            }
            String target = quote(mount.target());
            if (Files.isDirectory(mount.source())) {
                lines.add("[ -d " + target + " ] || mkdir -p " + target);
            } else {
                lines.add("[ -e " + target + " ] || { mkdir -p \"$(dirname " + target + ")\"; touch " + target + "; }");
            }
            lines.add("mount --bind " + quote(mount.source().toString()) + " " + target);
            if (mount.readOnly()) {
                lines.add("mount -o remount,bind,ro " + target);
            }
            done.add(mount);
        }
        lines.add("cd " + quote(launch.workingDir()));
        String groups = launch.groups().stream().map(String::valueOf).collect(Collectors.joining(","));
        List<String> exec = new ArrayList<>(List.of("exec", "setpriv", "--reuid=" + launch.uid(), "--regid=" + launch.gid(),
                groups.isEmpty() ? "--clear-groups" : "--groups=" + groups,
                "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--", "env", "-i"));
        for (Map.Entry<String, String> variable : launch.environment().entrySet()) {
            exec.add(variable.getKey() + "=" + variable.getValue());
        }
        exec.addAll(launch.command());
        lines.add(exec.stream().map(word -> word.equals("exec") ? word : quote(word)).collect(Collectors.joining(" ")));
        return String.join("\n", lines) + "\n";
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
