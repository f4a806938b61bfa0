package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LeftoverSharedMemoryTest {

    private static final List<String> PID_FILE = List.of("4242", "/data/pgdata", "1796018962", "5432",
            "/data", "127.0.0.1", "  9980714     32768", "ready   ");

    private static final String HEADER = "       key      shmid perms                  size  cpid  lpid nattch   uid   gid"
            + "  cuid  cgid      atime      dtime      ctime                   rss                  swap";

    @Test
    void thePidFileNamesThePostmasterAndItsSegment() {
        assertThat(LeftoverSharedMemory.recorded(PID_FILE))
                .contains(new LeftoverSharedMemory.Recorded(4242, 9980714, 32768));
        assertThat(LeftoverSharedMemory.recorded(PID_FILE.subList(0, 6))).as("written before the segment").isEmpty();
        assertThat(LeftoverSharedMemory.recorded(List.of("4242", "d", "t", "p", "s", "a", "junk"))).isEmpty();
    }

    @Test
    void aSingleUserBackendRecordsItsPidNegated() {
        List<String> initdb = List.of("-25464", "/data/pgdata.initdb", "1796116636", "5432", "", "",
                "  9986050   4390973");
        assertThat(LeftoverSharedMemory.recorded(initdb))
                .contains(new LeftoverSharedMemory.Recorded(25464, 9986050, 4390973));
    }

    @Test
    void theKernelTableIsReadRowByRow() {
        List<LeftoverSharedMemory.Segment> segments = LeftoverSharedMemory.segments(List.of(HEADER,
                "   9980714      32768   600                    56  4242  4250      0   101   104   101   104"
                        + " 1795993628 1795993628 1795993622                  4096                     0",
                "  -1234567      32769   600                    56  5000  5000      3     0     0     0     0"
                        + " 0 0 0 0 0"));
        assertThat(segments).containsExactly(new LeftoverSharedMemory.Segment(9980714, 32768, 4242, 0),
                new LeftoverSharedMemory.Segment(-1234567, 32769, 5000, 3));
        assertThat(LeftoverSharedMemory.segments(List.of())).isEmpty();
    }

    @Test
    void onlyTheRecordedUnattachedSegmentOfThatPostmasterIsALeftover() {
        LeftoverSharedMemory.Recorded recorded = new LeftoverSharedMemory.Recorded(4242, 9980714, 32768);
        LeftoverSharedMemory.Segment leftover = new LeftoverSharedMemory.Segment(9980714, 32768, 4242, 0);
        assertThat(LeftoverSharedMemory.leftover(recorded, List.of(leftover))).contains(leftover);
        assertThat(LeftoverSharedMemory.leftover(recorded,
                List.of(new LeftoverSharedMemory.Segment(9980714, 32768, 4242, 1)))).as("still attached").isEmpty();
        assertThat(LeftoverSharedMemory.leftover(recorded,
                List.of(new LeftoverSharedMemory.Segment(9980714, 32768, 777, 0)))).as("another creator").isEmpty();
        assertThat(LeftoverSharedMemory.leftover(recorded,
                List.of(new LeftoverSharedMemory.Segment(9980715, 32768, 4242, 0)))).as("another key").isEmpty();
        assertThat(LeftoverSharedMemory.leftover(recorded,
                List.of(new LeftoverSharedMemory.Segment(9980714, 32770, 4242, 0)))).as("another id").isEmpty();
    }

    @Test
    void keysCompareAsUnsigned32BitNumbers() {
        LeftoverSharedMemory.Recorded recorded = new LeftoverSharedMemory.Recorded(1, 4294967295L, 7);
        assertThat(LeftoverSharedMemory.leftover(recorded,
                List.of(new LeftoverSharedMemory.Segment(-1, 7, 1, 0)))).isPresent();
    }
}
