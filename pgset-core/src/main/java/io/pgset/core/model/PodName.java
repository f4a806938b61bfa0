package io.pgset.core.model;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An instance's stable name, {@code <cluster>-<ordinal>} ({@code demo-0}), and its volume's,
 * {@code data-<cluster>-<ordinal>}. The one place such a name is taken apart: pods, volume
 * directories, claims and command arguments are all read here.
 */
public record PodName(String cluster, int ordinal) {

    /** What a volume's name adds before its instance's name. */
    public static final String VOLUME_PREFIX = "data-";

    /**
     * A cluster name as the spec allows it (a DNS-1035 label), then the ordinal without leading
     * zeros, far below int overflow.
     */
    private static final Pattern NAME = Pattern.compile("([a-z]([-a-z0-9]*[a-z0-9])?)-(0|[1-9][0-9]{0,8})");

    public PodName {
        if (cluster == null || cluster.isEmpty() || ordinal < 0) {
            throw new IllegalArgumentException("an instance needs a cluster name and an ordinal >= 0, got '"
                    + cluster + "' and " + ordinal);
        }
    }

    /**
     * @throws IllegalArgumentException saying what an instance name looks like, when this is not one
     */
    public static PodName parse(String name) {
        Matcher m = NAME.matcher(name == null ? "" : name);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + name + "' is not an instance name; instances are named"
                    + " <cluster>-<ordinal>, like demo-1");
        }
        return new PodName(m.group(1), Integer.parseInt(m.group(3)));
    }

    /** The ordinal of {@code name} when it names an instance of {@code cluster}; empty otherwise. */
    public static OptionalInt ordinalIn(String cluster, String name) {
        Matcher m = NAME.matcher(name == null ? "" : name);
        return m.matches() && m.group(1).equals(cluster) ? OptionalInt.of(Integer.parseInt(m.group(3)))
                : OptionalInt.empty();
    }

    /** The ordinal of the instance whose volume {@code volume} is, when it is one of {@code cluster}'s. */
    public static OptionalInt volumeOrdinalIn(String cluster, String volume) {
        return volume != null && volume.startsWith(VOLUME_PREFIX)
                ? ordinalIn(cluster, volume.substring(VOLUME_PREFIX.length())) : OptionalInt.empty();
    }

    public String volume() {
        return VOLUME_PREFIX + this;
    }

    @Override
    public String toString() {
        return cluster + "-" + ordinal;
    }
}
