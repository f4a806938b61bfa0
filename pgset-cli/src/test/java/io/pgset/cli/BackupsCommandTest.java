package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackupsCommandTest {

    /** What pgbackrest 2.45 {@code info --output=json} printed for a stanza with one full backup. */
    private static final String INFO = """
            [{"archive":[{"database":{"id":1,"repo-key":1},"id":"15-1","max":"000000010000000000000003",
            "min":"000000010000000000000001"}],"backup":[{"archive":{"start":"000000010000000000000002",
            "stop":"000000010000000000000003"},"backrest":{"format":5,"version":"2.45"},"database":{"id":1,
            "repo-key":1},"error":false,"info":{"delta":22992521,"repository":{"delta":3043779,"size":3043779},
            "size":22992521},"label":"20261130-005310F","lsn":{"start":"0/2000028","stop":"0/3000050"},
            "prior":null,"reference":null,"timestamp":{"start":1795999990,"stop":1795999994},"type":"full"}],
            "cipher":"none","db":[{"id":1,"repo-key":1,"system-id":7713761170529134955,"version":"15"}],
            "name":"demo","repo":[{"cipher":"none","key":1,"status":{"code":0,"message":"ok"}}],
            "status":{"code":0,"lock":{"backup":{"held":false}},"message":"ok"}}]
            """;

    @Test
    void readsLabelTypeTimesSizesAndWalRangeFromPgBackRestInfo() throws Exception {
        assertThat(BackupsCommand.parse(io.pgset.core.json.JsonText.parse(INFO))).containsExactly(
                new BackupsCommand.Backup("20261130-005310F", "full", "2026-11-30T00:53:10Z", "2026-11-30T00:53:14Z",
                        22992521, 3043779, "000000010000000000000002", "000000010000000000000003", 1));
    }

    @Test
    void theRecoveryWindowRunsFromTheOldestBackupsEndToTheLastArchivedWal() throws Exception {
        var info = io.pgset.core.json.JsonText.parse(INFO);
        assertThat(BackupsCommand.window(BackupsCommand.parse(info), info, null)).isEqualTo(
                new BackupsCommand.RecoveryWindow("2026-11-30T00:53:14Z", "", "000000010000000000000003"));
        assertThat(BackupsCommand.window(java.util.List.of(), info, null)).isNull();
    }

    @Test
    void aStanzaWithoutBackupsListsNone() throws Exception {
        assertThat(BackupsCommand.parse(io.pgset.core.json.JsonText.parse("[{\"name\":\"demo\",\"backup\":[]}]"))).isEmpty();
    }
}
