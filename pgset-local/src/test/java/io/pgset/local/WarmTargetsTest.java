package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.PodManagementPolicy;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WarmTargetsTest {

    private static final PodManagementPolicy ORDERED = PodManagementPolicy.ORDERED_READY;
    private static final PodManagementPolicy PARALLEL = PodManagementPolicy.PARALLEL;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("ordered new cluster: the next ordinal", ORDERED, 0, false, 3, Set.of(), List.of(1)),
                Arguments.of("ordered replica: the next ordinal", ORDERED, 1, true, 3, Set.of(0), List.of(2)),
                Arguments.of("ordered last replica: none", ORDERED, 2, true, 3, Set.of(0, 1), List.of()),
                Arguments.of("ordered restart from demo-1: demo-0 comes next", ORDERED, 1, false, 3, Set.of(),
                        List.of(0)),
                Arguments.of("ordered: a running ordinal is skipped", ORDERED, 1, true, 4, Set.of(0, 2), List.of(3)),
                Arguments.of("parallel new cluster: every replica", PARALLEL, 0, false, 3, Set.of(), List.of(1, 2)),
                Arguments.of("parallel restart from demo-1: the others", PARALLEL, 1, false, 3, Set.of(2),
                        List.of(0)),
                Arguments.of("parallel replica: the same pass creates the rest", PARALLEL, 1, true, 5, Set.of(0),
                        List.of()),
                Arguments.of("parallel single instance: none", PARALLEL, 0, false, 1, Set.of(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void warmsExactlyWhatTheNextPassCreates(String description, PodManagementPolicy policy, int created,
                                            boolean hasUpstream, int instances, Set<Integer> running,
                                            List<Integer> expected) {
        assertThat(WarmTargets.after(policy, created, hasUpstream, instances, running))
                .containsExactlyElementsOf(expected);
    }
}
