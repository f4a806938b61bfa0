package io.pgset.instance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;

/**
 * The OS identity postgres runs as. postgres refuses to run as root, so when pgset itself runs as
 * root every PostgreSQL program is started as the {@code postgres} user and owns its files; as
 * any other user, PostgreSQL runs as that same user.
 */
public final class PostgresUser {

    static final String OS_USER = "postgres";

    private final boolean switchUser;

    private PostgresUser(boolean switchUser) {
        this.switchUser = switchUser;
    }

    public static PostgresUser current() {
        return new PostgresUser("root".equals(System.getProperty("user.name")));
    }

    /**
     * The command line that runs {@code command} as the postgres user. {@code setpriv} execs in place,
     * so the started Process's pid is the program's own; it also clears the environment, which keeps
     * anything of pgset's out of postgres.
     */
    public List<String> command(List<String> command) {
        if (!switchUser) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + OS_USER, "--regid=" + OS_USER,
                "--init-groups", "--reset-env"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Makes {@code dir} exist, private (0700) and owned by the postgres user. */
    public void privateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        own(dir);
    }

    /**
     * Makes a volume's root private (as {@link #privateDirectory}) when this process may: a claim
     * mounted in a Kubernetes pod has a root directory of root's (group fsGroup, setgid), which the
     * pod's user may not chmod; there only what the instance writes in it is private.
     */
    public void volumeRoot(Path volume) throws IOException {
        if (!switchUser && Files.isDirectory(volume) && !ownedByThisProcess(volume)) {
            return;
        }
        privateDirectory(volume);
    }

    private static boolean ownedByThisProcess(Path path) throws IOException {
        return Files.getAttribute(path, "unix:uid").equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }

    /**
     * Replaces a file only the postgres user can read (0600), durably: it is owned by postgres
     * before it takes the old one's place, so postgres never finds a key or configuration of
     * root's.
     */
    public void privateFile(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (alreadyWritten(file, bytes)) {
            return; // written before, unchanged: every start of postgres would otherwise pay two fsyncs a file
        }
        DurableFiles.write(file, bytes, DurableFiles.PRIVATE, this::own);
    }

    /** Whether the file holds exactly this content, with mode 0600 and, when it matters, postgres as owner. */
    private boolean alreadyWritten(Path file, byte[] content) {
        try {
            return sameFile(file, content);
        } catch (IOException unreadable) {
            return false; // replaced, as any file that is not what it should be
        }
    }

    private boolean sameFile(Path file, byte[] content) throws IOException {
        if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                || !Files.getPosixFilePermissions(file).equals(DurableFiles.PRIVATE)
                || (switchUser && !Files.getOwner(file).getName().equals(OS_USER))
                || Files.size(file) != content.length) {
            return false;
        }
        return java.util.Arrays.equals(Files.readAllBytes(file), content);
    }

    public void own(Path path) throws IOException {
        if (!switchUser) {
            return;
        }
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        view.setOwner(lookup.lookupPrincipalByName(OS_USER));
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(OS_USER);
        view.setGroup(group);
    }
}
