package io.pgset.kubernetes.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A command line that runs a process inside the image's root filesystem as a container runtime would:
 * in private mount, UTS, IPC and PID namespaces, on the {@link ChrootFilesystem} (overlayfs layer, jar,
 * binds) with /proc and a minimal /dev, as the {@link ChrootProcess} says (user, groups, working
 * folder, environment and nothing of the caller's, host name). A root shell is the PID namespace's
 * init: when the command ends, or when the {@code unshare} that started it is killed
 * ({@link Process#destroyForcibly()}; it ignores SIGTERM), every process inside ends too, and with
 * the last of them the mount namespace and every mount made in it. {@link #terminate} asks the
 * command to stop (SIGTERM), as a kubelet does.
 *
 * <p>The command runs with no capabilities: {@code setpriv} sets no_new_privs and empties the
 * inheritable set, and leaves in the bounding set only what {@code chroot} needs to enter the root
 * and change to the user, whose change clears them from the process.
 *
 * <p>Needs root (mounts, chroot). The layer folder holds what the process wrote outside its bind
 * mounts; {@link ChrootFilesystem#removeLayer} deletes it when the process has ended.
 */
public record ChrootCommand(ChrootFilesystem filesystem, ChrootProcess process) {

    /**
     * Run by the forked child of {@code unshare}: builds the root, then starts the command.
     * Arguments: root, upper, work, merged, hostname, ro|rw, workdir, uid:gid, groups, then
     * (source target ro|rw)* "--", then NAME=value* and the command.
     */
    private static final String SCRIPT = String.join("\n",
            "set -eu",
            "root=$1 upper=$2 work=$3 merged=$4 hostname=$5 rootmode=$6 workdir=$7 userspec=$8 groups=$9",
            "shift 9",
            "[ -z \"$hostname\" ] || hostname \"$hostname\"",
            "mount -t overlay overlay -o \"lowerdir=$root,upperdir=$upper,workdir=$work\" \"$merged\"",
            "mount -t proc -o nosuid,nodev,noexec proc \"$merged/proc\"",
            "mount -t tmpfs -o nosuid,mode=755 tmpfs \"$merged/dev\"",
            "for node in null zero full random urandom tty; do",
            "  : >\"$merged/dev/$node\" && mount --bind \"/dev/$node\" \"$merged/dev/$node\"",
            "done",
            "mkdir \"$merged/dev/shm\" && mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs \"$merged/dev/shm\"",
            "ln -s /proc/self/fd \"$merged/dev/fd\" && ln -s fd/0 \"$merged/dev/stdin\"",
            "ln -s fd/1 \"$merged/dev/stdout\" && ln -s fd/2 \"$merged/dev/stderr\"",
            // Targets come with the image's symbolic links resolved (RootFilesystem#resolveLinks),
            // so none of these paths leads out of the merged root.
            "while [ \"$1\" != -- ]; do",
            "  if [ -d \"$1\" ]; then mkdir -p \"$merged$2\"; else mkdir -p \"$(dirname \"$merged$2\")\" && : >>\"$merged$2\"; fi",
            "  mount --bind \"$1\" \"$merged$2\"",
            "  if [ \"$3\" = ro ]; then mount -o remount,bind,ro \"$merged$2\"; fi",
            "  shift 3",
            "done",
            "shift",
            // Only the root's own mount: /proc, /dev and the binds keep their modes.
            "if [ \"$rootmode\" = ro ]; then mount -o remount,bind,ro \"$merged\"; fi",
            // This shell stays PID 1, as root: were the command PID 1, its change of user would
            // clear the death signal unshare --kill-child relies on. It passes SIGTERM on.
            "exec 3<&0", // a background command's standard input would be /dev/null
            "setpriv --no-new-privs --inh-caps=-all --bounding-set=-all,+sys_chroot,+setuid,+setgid --"
                    + " chroot --userspec=\"$userspec\" --groups=\"$groups\" \"$merged\""
                    + " /usr/bin/env -i -C \"$workdir\" \"$@\" <&3 3<&- &",
            "child=$!",
            "trapped=false",
            "trap 'trapped=true; kill -TERM \"$child\" 2>/dev/null' TERM INT",
            "status=0",
            "wait \"$child\" || status=$?",
            // A trapped signal ends wait early; the command's own status comes with the next one.
            "while $trapped; do trapped=false; status=0; wait \"$child\" || status=$?; done",
            "exit \"$status\"");

    /** Sends SIGTERM to the command a {@link #prefix()} line started (through the namespace's init). */
    public static void terminate(Process started) {
        started.toHandle().children().forEach(ProcessHandle::destroy);
    }

    /** The image as it runs by default: its USER, WORKDIR and ENV, the jar mounted, no other mounts. */
    public static ChrootCommand of(RootFilesystem rootfs, Path layer, Path jar) {
        ImageConfig image = rootfs.image();
        return new ChrootCommand(new ChrootFilesystem(rootfs, layer, jar, List.of(), false),
                new ChrootProcess(image.env(), RunAs.parse(image.user()), image.workdir().toString(), ""));
    }

    public ChrootCommand withBind(Path source, String target, boolean readOnly) {
        List<Bind> more = new ArrayList<>(filesystem.binds());
        more.add(new Bind(source, target, readOnly));
        ChrootFilesystem files = filesystem;
        return new ChrootCommand(new ChrootFilesystem(files.rootfs(), files.layer(), files.jar(), more, files.readOnly()),
                process);
    }

    public ChrootCommand withEnv(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(process.env());
        more.put(name, value);
        return new ChrootCommand(filesystem, new ChrootProcess(more, process.user(), process.workdir(), process.hostname()));
    }

    /** The whole command line that runs {@code command} (resolved on the image's PATH) inside. */
    public List<String> command(List<String> command) throws IOException {
        List<String> line = prefix();
        line.addAll(command);
        return line;
    }

    /** As a pod's container with only {@code args} set: the image's ENTRYPOINT, then the args. */
    public List<String> entrypoint(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(filesystem.rootfs().image().entrypoint());
        command.addAll(args);
        return command(command);
    }

    /**
     * The command line up to the command itself. Makes the layer's folders.
     *
     * @throws IllegalArgumentException for a folder overlayfs cannot name (a comma or colon in it)
     */
    public List<String> prefix() throws IOException {
        RootFilesystem rootfs = filesystem.rootfs();
        Path layer = filesystem.layer();
        Path upper = layer.resolve("upper");
        Path work = layer.resolve("work");
        Path merged = layer.resolve("merged");
        for (Path folder : List.of(rootfs.root(), upper, work)) {
            if (folder.toString().matches(".*[,:].*")) {
                throw new IllegalArgumentException(folder + ": overlayfs options cannot name a folder with ',' or ':'"
                        + " in its path; use another folder");
            }
        }
        Files.createDirectories(upper);
        Files.createDirectories(work);
        Files.createDirectories(merged);
        RunAs user = process.user();
        List<String> line = new ArrayList<>(List.of("unshare", "--mount", "--uts", "--ipc", "--pid", "--fork",
                "--kill-child", "--propagation", "private", "--", "/bin/sh", "-c", SCRIPT, "pgset-chroot",
                rootfs.root().toString(), upper.toString(), work.toString(), merged.toString(), process.hostname(),
                filesystem.readOnly() ? "ro" : "rw", process.workdir(), user.userspec(),
                user.groups().stream().map(String::valueOf).collect(Collectors.joining(","))));
        List<Bind> all = new ArrayList<>(List.of(new Bind(filesystem.jar().toAbsolutePath(),
                rootfs.image().jar().toString(), true)));
        all.addAll(filesystem.binds());
        for (Bind bind : all) {
            line.addAll(List.of(bind.source().toAbsolutePath().toString(), rootfs.resolveLinks(bind.target()),
                    bind.readOnly() ? "ro" : "rw"));
        }
        line.add("--");
        process.env().forEach((name, value) -> line.add(name + "=" + value));
        return line;
    }
}
