package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The failure drill on the default cluster (sync, ANY 1): the primary killed every round, no acknowledged write
 * lost, and a summary even when stopped. */
class DrillIT extends PerTestHome {

    /** Bad arguments first, on the same cluster: they are refused before the drill touches it. */
    @Test
    void defaultClusterDrillLosesNoAcknowledgedWriteAndNeverHasTwoWritablePrimaries() throws Exception {
        home.pgset("up").ok();
        refusesBadArguments();

        PgsetHome.Result drill = home.pgset("drill", "demo", "--rounds", "2").ok();

        assertThat(drill.out()).contains("drill demo: 2 rounds, kill primary, sync replication (the default for 3"
                        + " instances)", "so a failover loses no acknowledged transaction",
                "most instances accepting writes at once: 1").doesNotContain("SPLIT BRAIN");
        Matcher totals = Pattern.compile("acknowledged writes: (\\d+), lost: (\\d+)").matcher(drill.out());
        assertThat(totals.find()).as(drill.out()).isTrue();
        assertThat(Integer.parseInt(totals.group(1))).as("writes acknowledged during the drill").isGreaterThan(100);
        assertThat(Integer.parseInt(totals.group(2))).as("acknowledged writes lost").isZero();
        Matcher round = Pattern.compile("round (\\d): killed (demo-\\d), write gap ([\\d.]+) s, primary now (demo-\\d)")
                .matcher(drill.out());
        double gaps = 0;
        for (int i = 1; i <= 2; i++) {
            assertThat(round.find()).as("round %d in%n%s", i, drill.out()).isTrue();
            assertThat(round.group(4)).as("a failover happened in round %d", i).isNotEqualTo(round.group(2));
            gaps += Double.parseDouble(round.group(3));
        }
        Matcher median = Pattern.compile("median ([\\d.]+) s").matcher(drill.out());
        assertThat(median.find()).as(drill.out()).isTrue();
        assertThat(Double.parseDouble(median.group(1))).as("the median of two rounds is their mean")
                .isCloseTo(gaps / 2, org.assertj.core.data.Offset.offset(0.011));
        assertThat(home.status("demo").path("phase").asText()).isEqualTo("Healthy");
        // Both replicas were streaming from the same primary when it died, so they were compared on
        // the same timeline; a replica whose WAL receiver had just stopped must not look older.
        Matcher promote = Pattern.compile("promote demo-\\d: .* is the most advanced of (.*)").matcher(
                home.pgset("events", "demo").ok().out());
        int promotions = 0;
        while (promote.find()) {
            promotions++;
            Matcher timelines = Pattern.compile("timeline (\\d+)").matcher(promote.group(1));
            java.util.Set<String> seen = new java.util.HashSet<>();
            while (timelines.find()) {
                seen.add(timelines.group(1));
            }
            assertThat(seen).as("candidates' timelines in: %s", promote.group(0)).hasSize(1);
        }
        assertThat(promotions).isEqualTo(2);
    }

    @Test
    void aDrillStoppedBySigtermPrintsTheSummaryOfTheRoundsDone() throws Exception {
        home.pgset("up").ok();
        // A drill starts only from a Healthy cluster; on a busy machine a slow probe just after up can
        // make it Degraded for a moment (it then refuses, rightly, and this test is not about that).
        await().atMost(Duration.ofMinutes(1)).until(() -> home.status("demo").path("phase").asText().equals("Healthy"));
        Path output = home.dir.resolve("drill.out");
        Process drill = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--home", home.dir.toString(),
                "drill", "demo", "--rounds", "20")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            try {
                await().atMost(Duration.ofMinutes(2)).until(() -> Files.readString(output).contains("round 1: killed"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no round done within 2 minutes; the drill printed:\n" + Files.readString(output), e);
            }
            drill.destroy(); // SIGTERM
            assertThat(drill.waitFor(90, TimeUnit.SECONDS)).as("the drill ends after SIGTERM").isTrue();
        } finally {
            drill.destroyForcibly();
        }
        String out = Files.readString(output);
        assertThat(out).contains("drill stopped early:", "of 20 rounds done", "write gap: min",
                "acknowledged writes:", "most instances accepting writes at once: 1");
    }

    private void refusesBadArguments() {
        PgsetHome.Result rounds = home.pgset("drill", "demo", "--rounds", "0");
        assertThat(rounds.exit()).isNotZero();
        assertThat(rounds.err()).contains("--rounds must be at least 1, got 0");
        PgsetHome.Result kill = home.pgset("drill", "demo", "--kill", "everything");
        assertThat(kill.exit()).isNotZero();
        assertThat(kill.err()).contains("--kill must be primary or postgres, got 'everything'");
        PgsetHome.Result unknown = home.pgset("drill", "nosuch");
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.err()).contains("nosuch");
    }
}
