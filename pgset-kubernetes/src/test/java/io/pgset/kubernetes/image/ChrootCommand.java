package io.pgset.kubernetes.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command line that runs a process inside the image's root filesystem as a container runtime would:
 * in private mount and PID namespaces, on a writable layer of its own (overlayfs over the shared,
 * unchanged root filesystem), with /proc, a minimal /dev, the freshly built jar at the image's jar
 * path and the given bind mounts (a pod's volumes), as the image's USER, in its WORKDIR, with its ENV
 * and nothing of the caller's environment. A root shell is the PID namespace's init: when the
 * command ends, or when the {@code unshare} that started it is killed ({@link Process#destroyForcibly()};
 * it ignores SIGTERM), every process inside ends too. {@link #terminate} asks the command to stop
 * (SIGTERM), as a kubelet does.
 *
 * <p>Needs root (mounts, chroot). The layer folder holds what the process wrote outside its bind
 * mounts; its owner deletes it when done.
 *
 * @param layer a folder of the caller's, empty at first, for the writable layer
 * @param jar   pgset.jar on this machine, mounted read-only at {@link ImageConfig#jar()}
 * @param binds bind mounts, in order
 * @param env   the environment: the image's ENV, then what the caller adds or overrides
 * @param user  {@code uid:gid}; the image's USER by default
 */
public record ChrootCommand(RootFilesystem rootfs, Path layer, Path jar, List<Bind> binds, Map<String, String> env,
                            String user) {

    /** A folder or file of this machine, mounted at {@code target} inside. */
    public record Bind(Path source, String target, boolean readOnly) {}

    /**
     * Run by the forked child of {@code unshare}: builds the root, then becomes the command.
     * Arguments: root, upper, work, merged, user, workdir, then (source target ro|rw)* "--", then
     * NAME=value* and the command.
     */
    private static final String SCRIPT = String.join("\n",
            "set -eu",
            "root=$1 upper=$2 work=$3 merged=$4 user=$5 workdir=$6",
            "shift 6",
            "mount -t overlay overlay -o \"lowerdir=$root,upperdir=$upper,workdir=$work\" \"$merged\"",
            "mount -t proc -o nosuid,nodev,noexec proc \"$merged/proc\"",
            "mount -t tmpfs -o nosuid,mode=755 tmpfs \"$merged/dev\"",
            "for node in null zero full random urandom tty; do",
            "  : >\"$merged/dev/$node\" && mount --bind \"/dev/$node\" \"$merged/dev/$node\"",
            "done",
            "mkdir \"$merged/dev/shm\" && mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs \"$merged/dev/shm\"",
            "ln -s /proc/self/fd \"$merged/dev/fd\" && ln -s fd/0 \"$merged/dev/stdin\"",
            "ln -s fd/1 \"$merged/dev/stdout\" && ln -s fd/2 \"$merged/dev/stderr\"",
            "while [ \"$1\" != -- ]; do",
            "  if [ -d \"$1\" ]; then mkdir -p \"$merged$2\"; else mkdir -p \"$(dirname \"$merged$2\")\" && : >>\"$merged$2\"; fi",
            "  mount --bind \"$1\" \"$merged$2\"",
            "  if [ \"$3\" = ro ]; then mount -o remount,bind,ro \"$merged$2\"; fi",
            "  shift 3",
            "done",
            "shift",
            // This shell stays PID 1, as root: were the command PID 1, its change of user would
            // clear the death signal unshare --kill-child relies on. It passes SIGTERM on.
            "exec 3<&0", // a background command's standard input would be /dev/null
            "chroot --userspec=\"$user\" \"$merged\" /usr/bin/env -i -C \"$workdir\" \"$@\" <&3 3<&- &",
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

    /** The image as it runs by default: its USER and ENV, the jar mounted, no other mounts. */
    public static ChrootCommand of(RootFilesystem rootfs, Path layer, Path jar) {
        return new ChrootCommand(rootfs, layer, jar, List.of(), rootfs.image().env(), rootfs.image().user());
    }

    public ChrootCommand withBind(Path source, String target, boolean readOnly) {
        List<Bind> more = new ArrayList<>(binds);
        more.add(new Bind(source, target, readOnly));
        return new ChrootCommand(rootfs, layer, jar, List.copyOf(more), env, user);
    }

    public ChrootCommand withEnv(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(name, value);
        return new ChrootCommand(rootfs, layer, jar, binds, more, user);
    }

    public ChrootCommand asUser(String uidColonGid) {
        return new ChrootCommand(rootfs, layer, jar, binds, env, uidColonGid);
    }

    /** The whole command line that runs {@code command} (resolved on the image's PATH) inside. */
    public List<String> command(List<String> command) throws IOException {
        List<String> line = prefix();
        line.addAll(command);
        return line;
    }

    /** As a pod's container with only {@code args} set: the image's ENTRYPOINT, then the args. */
    public List<String> entrypoint(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(rootfs.image().entrypoint());
        command.addAll(args);
        return command(command);
    }

    /**
     * The command line up to the command itself. Makes the layer's folders.
     *
     * @throws IllegalArgumentException for a folder overlayfs cannot name (a comma or colon in it)
     */
    public List<String> prefix() throws IOException {
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
        List<String> line = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--pid",
                "--fork", "--kill-child", "--", "/bin/sh", "-c", SCRIPT, "pgset-chroot",
                rootfs.root().toString(), upper.toString(), work.toString(), merged.toString(), user,
                rootfs.image().workdir().toString()));
        List<Bind> all = new ArrayList<>(List.of(new Bind(jar.toAbsolutePath(), rootfs.image().jar().toString(), true)));
        all.addAll(binds);
        for (Bind bind : all) {
            line.addAll(List.of(bind.source().toAbsolutePath().toString(), bind.target(), bind.readOnly() ? "ro" : "rw"));
        }
        line.add("--");
        env.forEach((name, value) -> line.add(name + "=" + value));
        return line;
    }
}
