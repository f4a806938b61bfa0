package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Following postgres's JSON log files as its logging collector writes, rotates, and pgset prunes them. */
class LogFollowerTest {

    @TempDir
    Path volume;

    private final List<String> got = new ArrayList<>();

    @Test
    void followsAppendsAndRotationToNewerFilesWithoutRepeatingALine() throws Exception {
        LogFollower follower = follower(1024);
        assertThat(follower.round(this::take)).isZero();

        append("postgresql-20261130-100000.json", "a1\na2\na3-part");
        assertThat(follower.round(this::take)).isEqualTo(2);
        assertThat(got).containsExactly("a1", "a2");

        append("postgresql-20261130-100000.json", "ial\n");
        append("postgresql-20261130-100005.json", "b1\n");
        append("postgresql-20261130-100009.json", "c1\nc2");
        assertThat(follower.round(this::take)).isEqualTo(3);
        assertThat(got).containsExactly("a1", "a2", "a3-partial", "b1", "c1");

        append("postgresql-20261130-100009.json", "\n");
        follower.round(this::take);
        assertThat(follower.round(this::take)).isZero();
        assertThat(got).containsExactly("a1", "a2", "a3-partial", "b1", "c1", "c2");
    }

    @Test
    void aRestartedFollowerGoesOnWhereTheLastStopped() throws Exception {
        append("postgresql-20261130-100000.json", "old1\nold2\n");
        follower(1024).round(this::take);
        append("postgresql-20261130-100000.json", "new1\nnew-part");
        append("postgresql-20261130-100003.json", "");

        follower(1024).round(this::take);
        assertThat(got).containsExactly("old1", "old2", "new1", "new-part");
    }

    @Test
    void withoutAPositionItBeginsAtTheNewestFile() throws Exception {
        append("postgresql-20261130-100000.json", "older\n");
        append("postgresql-20261130-100001.json", "newest\n");

        follower(1024).round(this::take);
        assertThat(got).containsExactly("newest");
    }

    @Test
    void whenItsFileWasPrunedItGoesOnWithTheOldestNewerOne() throws Exception {
        LogFollower follower = follower(1024);
        append("postgresql-20261130-100000.json", "a\n");
        follower.round(this::take);
        append("postgresql-20261130-100001.json", "b\n");
        append("postgresql-20261130-100002.json", "c\n");
        Files.delete(pglog().resolve("postgresql-20261130-100000.json"));

        follower.round(this::take);
        assertThat(got).containsExactly("a", "b", "c");
    }

    @Test
    void aLineLongerThanTheLimitIsHandedOverCutAndTheNextOneWhole() throws Exception {
        LogFollower follower = follower(10);
        List<String> cut = new ArrayList<>();
        append("postgresql-20261130-100000.json", "x".repeat(200_000) + "\nshort\n");

        follower.round((text, length, isCut) -> cut.add(text + " " + length + " " + isCut));
        assertThat(cut).containsExactly("xxxxxxxxxx 200000 true", "short 5 false");
    }

    private void take(String text, long length, boolean cut) {
        got.add(text);
    }

    private LogFollower follower(int maxLine) {
        return new LogFollower(() -> PostgresLogs.files(volume, PostgresLogs.Kind.JSON),
                volume.resolve(PostgresLogForwarder.POSITION), maxLine);
    }

    private Path pglog() throws IOException {
        return Files.createDirectories(volume.resolve(PostgresLogs.DIRECTORY));
    }

    private void append(String file, String text) throws IOException {
        Files.writeString(pglog().resolve(file), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
