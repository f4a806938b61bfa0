package io.pgset.local;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecChanges;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;

/**
 * A new spec for an existing cluster, as {@code up -f} and {@code apply} take it: refused when it
 * cannot be applied, its changes said, and the spec it replaces kept as the way back.
 *
 * @param out where the changes are said
 */
record SpecChange(PrintStream out) {

    /**
     * Refuses a spec that cannot be applied to the existing cluster, and prints what it changes.
     *
     * @return whether anything changes
     */
    boolean check(ClusterHome home, ClusterSpec spec) {
        ClusterSpec applied = SpecReader.read(home.spec());
        List<String> refused = SpecChanges.refused(applied, spec);
        if (!refused.isEmpty()) {
            throw new PgsetException("cannot apply this spec to cluster " + home.name() + "; nothing was changed:\n  "
                    + String.join("\n  ", refused));
        }
        List<String> changes = SpecChanges.describe(applied, spec);
        for (String change : changes) {
            out.println("cluster " + home.name() + ": " + change);
        }
        return !changes.isEmpty();
    }

    /** Keeps the applied spec as the way back, before a changed one replaces it. */
    void keepPrevious(ClusterHome home) throws IOException {
        Json.writeText(home.previousSpec(), Files.readString(home.spec()));
        out.println("cluster " + home.name() + ": the previous spec is kept in " + home.previousSpec()
                + " (`pgset apply -f " + home.previousSpec() + "` goes back to it)");
    }
}
