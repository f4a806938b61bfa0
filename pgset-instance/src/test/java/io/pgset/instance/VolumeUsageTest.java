package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a volume's measurement counts. */
class VolumeUsageTest {

    @TempDir
    Path volume;

    @Test
    void theBytesOfEveryRegularFileBelowCountAndNothingElse() throws Exception {
        Files.write(volume.resolve("a"), new byte[1000]);
        Path deep = Files.createDirectories(volume.resolve("pgdata/base/5"));
        Files.write(deep.resolve("1259"), new byte[8192]);
        Files.write(deep.resolve("1259_fsm"), new byte[24576]);
        Path elsewhere = Files.createTempFile("outside-the-volume", "");
        try {
            Files.write(elsewhere, new byte[1 << 20]);
            // a tablespace's link points outside the volume: what it points at is not this volume's
            Files.createSymbolicLink(volume.resolve("pgdata/link"), elsewhere);

            assertThat(VolumeUsage.bytesOfFiles(volume)).isEqualTo(1000 + 8192 + 24576);
        } finally {
            Files.delete(elsewhere);
        }
    }

    @Test
    void anEmptyVolumeHoldsNoBytes() throws Exception {
        assertThat(VolumeUsage.bytesOfFiles(volume)).isZero();
    }
}
