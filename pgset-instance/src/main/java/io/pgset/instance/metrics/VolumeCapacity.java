package io.pgset.instance.metrics;

import io.pgset.core.model.InstanceStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place {@code pgset_volume_capacity_bytes} comes from. The instance's status does not
 * report a capacity yet, so it is the size of the filesystem the volume lives on (on Kubernetes,
 * the claim's; locally, the shared disk's). When status reports the capacity pgset manages for
 * the volume, return that from here.
 */
final class VolumeCapacity {

    private VolumeCapacity() {}

    /** Bytes the volume can hold; -1 when unknown. */
    static long bytes(InstanceStatus status, Path volume) {
        try {
            return Files.isDirectory(volume) ? Files.getFileStore(volume).getTotalSpace() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
