package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.instance.DataRules.Found;
import io.pgset.instance.DataRules.Kind;
import io.pgset.instance.DataRules.Step;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The bootstrap rules: what an instance does with what it finds on its volume. */
class DataRulesTest {

    private static final Optional<String> UPSTREAM = Optional.of("demo-0");
    private static final Optional<String> NONE = Optional.empty();
    private static final OptionalLong SYSTEM = OptionalLong.of(7312345678901234567L);
    private static final OptionalLong OTHER_SYSTEM = OptionalLong.of(7300000000000000001L);

    private static Found found(Kind kind) {
        return new Found(kind, kind == Kind.EMPTY || kind == Kind.UNREADABLE ? OptionalLong.empty() : SYSTEM, false);
    }

    private static Found interrupted(Kind kind) {
        return new Found(kind, SYSTEM, true);
    }

    @Test
    void emptyVolumeOfANewClusterGetsInitdbAndOfAReplicaAClone() {
        assertThat(DataRules.decide(found(Kind.EMPTY), NONE, true, OptionalLong.empty())).isInstanceOf(Step.Initdb.class);
        assertThat(DataRules.decide(found(Kind.EMPTY), UPSTREAM, false, OptionalLong.empty())).isInstanceOf(Step.Clone.class);
    }

    @Test
    void aRecoveredClustersFirstVolumeIsRestoredOnlyWhenEmptyAndNew() {
        assertThat(DataRules.decide(found(Kind.EMPTY), NONE, true, true, OptionalLong.empty()))
                .isInstanceOf(Step.Restore.class);
        assertThat(DataRules.decide(found(Kind.EMPTY), NONE, false, true, OptionalLong.empty()))
                .isInstanceOf(Step.Refuse.class);
        for (Kind kind : new Kind[] {Kind.PRIMARY_DATA, Kind.STANDBY_DATA}) {
            assertThat(DataRules.decide(found(kind), NONE, true, true, OptionalLong.empty()))
                    .as("a restore never overwrites a database").isInstanceOf(Step.Start.class);
        }
        assertThat(DataRules.decide(found(Kind.UNREADABLE), NONE, true, true, OptionalLong.empty()))
                .isInstanceOf(Step.Refuse.class);
    }

    @Test
    void emptyVolumeOfAnExistingClustersPrimaryIsRefusedNotInitialized() {
        Step step = DataRules.decide(found(Kind.EMPTY), NONE, false, OptionalLong.empty());
        assertThat(step).isInstanceOf(Step.Refuse.class);
        assertThat(((Step.Refuse) step).why()).contains("refusing to create a new, different database");
    }

    @Test
    void aDatabaseWithoutUpstreamIsStartedAsItIsWhateverElseIsAsked() {
        for (boolean newDatabase : new boolean[] {true, false}) {
            assertThat(DataRules.decide(found(Kind.PRIMARY_DATA), NONE, newDatabase, OptionalLong.empty()))
                    .isInstanceOf(Step.Start.class);
            assertThat(DataRules.decide(found(Kind.STANDBY_DATA), NONE, newDatabase, OptionalLong.empty()))
                    .isInstanceOf(Step.Start.class);
        }
    }

    @Test
    void standbyDataOfTheSameSystemFollowsAsItIsAndPrimaryDataIsRewound() {
        assertThat(DataRules.decide(found(Kind.STANDBY_DATA), UPSTREAM, false, SYSTEM)).isInstanceOf(Step.Start.class);
        assertThat(DataRules.decide(found(Kind.STANDBY_DATA), UPSTREAM, false, OptionalLong.empty()))
                .isInstanceOf(Step.Start.class);
        assertThat(DataRules.decide(found(Kind.PRIMARY_DATA), UPSTREAM, false, SYSTEM)).isInstanceOf(Step.Rewind.class);
    }

    @Test
    void replicaDataOfAnotherSystemIsMovedAsideNeverDeleted() {
        for (Kind kind : new Kind[] {Kind.STANDBY_DATA, Kind.PRIMARY_DATA}) {
            Step step = DataRules.decide(found(kind), UPSTREAM, false, OTHER_SYSTEM);
            assertThat(step).isInstanceOf(Step.MoveAsideAndClone.class);
            assertThat(((Step.MoveAsideAndClone) step).why()).contains("another database system")
                    .contains(Long.toUnsignedString(SYSTEM.getAsLong()));
        }
    }

    @Test
    void anInterruptedRewindIsMovedAsideForAReplicaAndRefusedAsAPrimary() {
        assertThat(DataRules.decide(interrupted(Kind.PRIMARY_DATA), UPSTREAM, false, SYSTEM))
                .isInstanceOf(Step.MoveAsideAndClone.class);
        assertThat(DataRules.decide(interrupted(Kind.STANDBY_DATA), UPSTREAM, false, SYSTEM))
                .isInstanceOf(Step.MoveAsideAndClone.class);
        Step alone = DataRules.decide(interrupted(Kind.PRIMARY_DATA), NONE, false, OptionalLong.empty());
        assertThat(alone).isInstanceOf(Step.Refuse.class);
        assertThat(((Step.Refuse) alone).why()).contains("pg_rewind");
    }

    @Test
    void filesWithoutReadableControlFileAreNeverDeleted() {
        Step alone = DataRules.decide(found(Kind.UNREADABLE), NONE, true, OptionalLong.empty());
        assertThat(alone).isInstanceOf(Step.Refuse.class);
        assertThat(((Step.Refuse) alone).why()).contains("never deletes it");
        assertThat(DataRules.decide(found(Kind.UNREADABLE), UPSTREAM, false, SYSTEM))
                .isInstanceOf(Step.MoveAsideAndClone.class);
    }

    @Test
    void aRewindThatCouldNotBeginLeavesTheDataWhereAFailedOneMovesItAside() {
        assertThat(Rewind.beforeAnyChange("pg_rewind failed with exit code 1: pg_rewind: error: could not"
                + " connect to server: connection to server at \"127.0.0.1\", port 5 failed")).isTrue();
        assertThat(Rewind.beforeAnyChange("pg_rewind: error: source server must not be in recovery mode"))
                .isTrue();
        assertThat(Rewind.beforeAnyChange("pg_rewind: servers diverged at WAL location 0/3000000 on timeline 1"
                + "\npg_rewind: error: could not open file: No such file or directory")).isFalse();
        assertThat(Rewind.beforeAnyChange("pg_rewind failed with exit code 1: something else")).isFalse();
        assertThat(Rewind.beforeAnyChange(null)).isFalse();
    }

    @Test
    void noRuleEverDeletesADatabase() {
        // Exhaustive: every kind, with and without upstream, new database or not, matching system or not.
        for (Kind kind : Kind.values()) {
            for (boolean rewinding : new boolean[] {false, true}) {
                for (Optional<String> upstream : java.util.List.of(UPSTREAM, NONE)) {
                    for (boolean newDatabase : new boolean[] {false, true}) {
                        for (OptionalLong theirs : java.util.List.of(SYSTEM, OTHER_SYSTEM, OptionalLong.empty())) {
                            Found f = new Found(kind, kind == Kind.EMPTY ? OptionalLong.empty() : SYSTEM, rewinding);
                            Step step = DataRules.decide(f, upstream, newDatabase, theirs);
                            if (kind != Kind.EMPTY) {
                                assertThat(step).as("%s rewinding=%s upstream=%s", kind, rewinding, upstream)
                                        .isNotInstanceOf(Step.Initdb.class).isNotInstanceOf(Step.Clone.class);
                            }
                        }
                    }
                }
            }
        }
    }
}
