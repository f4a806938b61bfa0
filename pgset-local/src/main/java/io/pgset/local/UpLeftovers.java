package io.pgset.local;

import io.pgset.core.control.PodState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What an {@code up} of a new cluster created before its controller ran: removed again when it
 * fails before then, so that no half-made cluster ("Stopped, 0/3", services on port 0) is left.
 * Files of a cluster that existed (or of a deleted one whose volumes were kept) stay.
 */
final class UpLeftovers {

    private final Path pgsetHome;
    private final ClusterHome home;
    private final Launcher launcher;
    private final PrintStream out;
    private final boolean clusterExisted;
    private final boolean dirExisted;
    private final boolean clustersExisted;
    private final boolean servicesExisted;

    /** Notes what exists before {@code up} creates anything. */
    UpLeftovers(Path pgsetHome, ClusterHome home, Launcher launcher, PrintStream out, boolean clusterExisted) {
        this.pgsetHome = pgsetHome;
        this.home = home;
        this.launcher = launcher;
        this.out = out;
        this.clusterExisted = clusterExisted;
        this.dirExisted = Files.exists(home.dir());
        this.clustersExisted = Files.exists(home.dir().getParent());
        this.servicesExisted = Files.exists(home.services());
    }

    /** Removes what the failed {@code up} created, unless the cluster existed or anything of it runs. */
    void remove(ControllerClient controller) {
        if (clusterExisted || controller.running()
                || new LocalRuntime(pgsetHome, home, launcher).pods().stream().anyMatch(PodState::running)) {
            return;
        }
        try {
            if (!dirExisted) {
                FileTree.delete(home.dir());
                if (!clustersExisted) {
                    try {
                        Files.deleteIfExists(home.dir().getParent());
                    } catch (DirectoryNotEmptyException another) {
                        // another cluster was created meanwhile: its folder stays
                    }
                }
                return;
            }
            Files.deleteIfExists(home.spec());
            if (!servicesExisted) {
                Files.deleteIfExists(home.services());
            }
        } catch (IOException e) {
            out.println("cluster " + home.name() + ": could not remove what this failed `up` created in " + home.dir()
                    + " (" + IoMessages.describe(e) + "); remove it yourself");
        }
    }
}
