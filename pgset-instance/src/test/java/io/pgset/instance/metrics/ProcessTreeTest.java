package io.pgset.instance.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcessTreeTest {

    /** A stat line whose command holds a space and a parenthesis, as a process may name itself. */
    private static final String STAT = "4242 (postgres: a) b) S 1 4242 4242 0 -1 4194560 1000 0 0 0 "
            + "150 50 300 200 20 0 1 0 100 200000000 2000 18446744073709551615";

    @Test
    void cpuTicksAreCountedFromTheLastParenthesis() {
        assertThat(ProcessTree.ticks(STAT, false)).isEqualTo(200);
        assertThat(ProcessTree.ticks(STAT, true)).as("with the exited children's time").isEqualTo(700);
    }

    @Test
    void sharedMemoryIsSeparatedFromPrivate() {
        Optional<String> status = Optional.of("Name:\tpostgres\nVmRSS:\t  150000 kB\nRssAnon:\t 10000 kB\n"
                + "RssFile:\t 12000 kB\nRssShmem:\t 128000 kB\n");
        assertThat(ProcessTree.privateBytes(status)).isEqualTo(22000L * 1024);
        assertThat(ProcessTree.sharedBytes(status)).isEqualTo(128000L * 1024);
        assertThat(ProcessTree.privateBytes(Optional.empty())).isZero();
    }

    @Test
    void aRealProcessTreeHasCpuTimeAndMemory() {
        // this JVM stands in for a postmaster: it has run for a while and holds memory
        ProcessTree.Usage usage = new ProcessTree().read(ProcessHandle.current().pid());
        assertThat(usage.cpuSeconds()).isPositive();
        assertThat(usage.residentBytes()).isGreaterThan(1 << 20);
        assertThat(usage.processes()).isGreaterThanOrEqualTo(1);
        assertThat(new ProcessTree().read(0)).isEqualTo(ProcessTree.Usage.NONE);
    }
}
