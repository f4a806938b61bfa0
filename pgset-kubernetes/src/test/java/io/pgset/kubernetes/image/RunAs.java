package io.pgset.kubernetes.image;

import java.util.List;

/**
 * Who a process in the image runs as: its uid, its primary gid and its supplementary groups (a
 * pod's runAsUser, runAsGroup, fsGroup and supplementalGroups; or the image's USER).
 */
public record RunAs(long uid, long gid, List<Long> groups) {

    public RunAs {
        groups = List.copyOf(groups);
    }

    /** The image's USER in its {@code uid:gid} form, with its gid as the only group. */
    public static RunAs parse(String uidColonGid) {
        String[] ids = uidColonGid.split(":", -1);
        if (ids.length != 2 || !ids[0].matches("\\d+") || !ids[1].matches("\\d+")) {
            throw new IllegalArgumentException("'" + uidColonGid + "' is not a numeric uid:gid; deploy/Dockerfile's USER"
                    + " must name the user by its ids (USER 999:999), as a runAsNonRoot pod needs");
        }
        long gid = Long.parseLong(ids[1]);
        return new RunAs(Long.parseLong(ids[0]), gid, List.of(gid));
    }

    /** As {@code chroot --userspec} takes it. */
    String userspec() {
        return uid + ":" + gid;
    }
}
