package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An s3 repository on the local runtime, against a real S3 server over HTTPS ({@link S3Server}),
 * beside a posix one: WAL reaches both, {@code pgset backup} / {@code backups} work against the
 * bucket, and when the endpoint refuses connections or the keys, {@code pgset backup} says which
 * repository and what to check while the cluster goes on taking writes and keeps its WAL.
 */
class S3BackupIT extends PerTestHome {

    private static final String BUCKET = "pgset-it";

    private S3Server s3;

    @BeforeEach
    void startS3() throws IOException {
        s3 = S3Server.start(home.dir.resolve("s3"));
        s3.createBucket(BUCKET);
    }

    /** The cluster first: a postgres stopping while the endpoint is down would wait on archive_command. */
    @AfterEach
    void stopClusterThenS3() throws Exception {
        home.stopProcesses();
        s3.close();
    }

    @Test
    void archivesToTheBucketAndThePosixRepositoryAndBacksUpToTheBucket() throws Exception {
        String systemIdentifier = upWithASegmentInTheBucket(2);
        String prefix = "demo/" + systemIdentifier + "/";
        String segment = superuserSql("select pg_walfile_name(pg_switch_wal())");
        await().atMost(Duration.ofSeconds(10)).until(() -> inBucket(prefix + "archive/", segment)
                && inPosixRepository(systemIdentifier, segment));

        long start = System.nanoTime();
        PgsetHome.Result backup = home.pgset("backup", "demo", "--type", "full").ok();
        System.out.printf("S3BackupIT: full backup to s3 took %.2f s%n", (System.nanoTime() - start) / 1e9);
        assertThat(backup.out()).contains("new backup label", "cluster demo: full backup to repository 1")
                .doesNotContain(s3.secret());

        JsonNode backups = PgsetHome.JSON.readTree(home.pgset("backups", "demo", "-o", "json").ok().out()).path("backups");
        assertThat(backups).hasSize(1);
        String label = backups.get(0).path("label").asText();
        assertThat(backups.get(0).path("type").asText()).isEqualTo("full");
        assertThat(backups.get(0).path("size").asLong()).isPositive();
        assertThat(s3.list(BUCKET, prefix + "backup/demo/" + label + "/")).contains(
                prefix + "backup/demo/" + label + "/backup.manifest");

        assertKeysOnlyInPrivatePgBackRestConfs();

        // Point-in-time recovery from the bucket into a new cluster.
        PgsetHome.awaitNextSecond();
        home.note("demo", "kept");
        String moment = superuserSql("select to_char(clock_timestamp() at time zone 'UTC',"
                + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')");
        home.note("demo", "after the moment");
        String last = superuserSql("select pg_walfile_name(pg_switch_wal())");
        await().atMost(Duration.ofSeconds(10)).until(() -> inBucket(prefix + "archive/", last));
        start = System.nanoTime();
        home.pgset("restore", "demo", "froms3", "--repository", "offsite", "--time", moment, "--instances", "1").ok();
        System.out.printf("S3BackupIT: recovered from s3 to a moment in %.2f s%n", (System.nanoTime() - start) / 1e9);
        try (java.sql.Connection c = home.connect("froms3", home.servicePort("froms3", "rw"));
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT string_agg(what, ',') FROM notes")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("kept");
        }
    }

    @Test
    void aRefusingEndpointOrRefusedKeysFailTheBackupClearlyWhileWritesGoOnAndWalIsKept() throws Exception {
        String archive = "demo/" + upWithASegmentInTheBucket(1) + "/archive/";

        s3.stop();
        long start = System.nanoTime();
        PgsetHome.Result refused = home.pgset("backup", "demo");
        System.out.printf("S3BackupIT: backup against a closed port failed in %.2f s%n", (System.nanoTime() - start) / 1e9);
        System.out.println("S3BackupIT: closed port: " + refused.err().strip());
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("cluster demo: repository 1 (offsite): nothing answers at " + s3.endpoint()
                + ": check spec.backup.repositories[0].endpoint and that the S3 server is up");
        home.note("demo", "while-the-endpoint-refuses");
        String duringOutage = superuserSql("select pg_walfile_name(pg_switch_wal())");

        s3.start("not-the-secret-of-the-cluster");
        PgsetHome.Result forbidden = home.pgset("backup", "demo");
        System.out.println("S3BackupIT: refused keys: " + forbidden.err().strip());
        assertThat(forbidden.exit()).isNotZero();
        assertThat(forbidden.out()).contains("403");
        assertThat(forbidden.err()).contains("repository 1 (offsite): the S3 server at " + s3.endpoint()
                + " refused the keys: check accessKeyId and secretAccessKey in " + s3.keysFile()
                + " (spec.backup.repositories[0].credentials.file)");
        home.note("demo", "while-the-keys-are-refused");
        String whileRefused = superuserSql("select pg_walfile_name(pg_switch_wal())");

        Path archiveStatus = home.cluster("demo").resolve("volumes/data-demo-0/pgdata/pg_wal/archive_status");
        assertThat(archiveStatus.resolve(duringOutage + ".ready")).exists();
        assertThat(archiveStatus.resolve(whileRefused + ".ready")).exists();
        assertThat(s3.list(BUCKET, archive)).noneMatch(key -> key.contains("/" + duringOutage + "-"));

        s3.stop();
        s3.start(s3.secret());
        long back = System.nanoTime();
        String after = superuserSql("select pg_walfile_name(pg_switch_wal())");
        await().atMost(Duration.ofSeconds(90)).until(() -> inBucket(archive, duringOutage)
                && inBucket(archive, whileRefused) && inBucket(archive, after));
        System.out.printf("S3BackupIT: the archive caught up %.2f s after the keys were accepted again%n",
                (System.nanoTime() - back) / 1e9);
        assertThat(notes()).isEqualTo(2);
        home.pgset("backup", "demo").ok();
    }

    @Test
    void upRefusesAMissingSecretsFileOrCaFileOrAKubernetesSecretBeforeAnythingStarts() throws Exception {
        Files.delete(s3.keysFile());

        PgsetHome.Result missing = home.pgset("up", "-f", spec(1).toString());

        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("spec.backup.repositories[0].credentials.file: " + s3.keysFile()
                + " does not exist; create it with the two lines accessKeyId=... and secretAccessKey=...");
        assertThat(home.dir.resolve("clusters")).doesNotExist();

        Files.writeString(s3.keysFile(), "accessKeyId=a\nsecretAccessKey=b\n");
        Files.delete(s3.caFile());
        PgsetHome.Result noCa = home.pgset("up", "-f", spec(1).toString());
        assertThat(noCa.exit()).isNotZero();
        assertThat(noCa.err()).contains("spec.backup.repositories[0].caFile: " + s3.caFile() + " cannot be read");
        assertThat(home.dir.resolve("clusters")).doesNotExist();

        PgsetHome.Result secret = home.pgset("up", "-f", home.specFile(s3Spec(1, "{secretName: offsite-keys}"))
                .toString());
        assertThat(secret.exit()).isNotZero();
        assertThat(secret.err()).contains("credentials.secretName names a Kubernetes Secret, which the local runtime"
                + " cannot read: set spec.backup.repositories[0].credentials.file");
        assertThat(home.dir.resolve("clusters")).doesNotExist();
    }

    /** Starts the cluster and waits for a switched segment to reach the bucket; returns the system identifier. */
    private String upWithASegmentInTheBucket(int instances) throws IOException {
        home.pgset("up", "-f", spec(instances).toString()).ok();
        String systemIdentifier = superuserSql("select system_identifier from pg_control_system()");
        String segment = superuserSql("select pg_walfile_name(pg_switch_wal())");
        long switched = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> inBucket("demo/" + systemIdentifier + "/archive/", segment));
        System.out.printf("S3BackupIT: segment %s in the bucket %.2f s after the switch%n", segment,
                (System.nanoTime() - switched) / 1e9);
        return systemIdentifier;
    }

    private Path spec(int instances) throws IOException {
        return home.specFile(s3Spec(instances, "{file: " + s3.keysFile() + "}"));
    }

    private String s3Spec(int instances, String credentials) {
        return """
                instances: %d
                backup:
                  repositories:
                    - {name: offsite, type: s3, endpoint: "%s", bucket: %s, region: %s, uriStyle: path, path: /demo,
                       credentials: %s, caFile: %s}
                    - {name: local}
                """.formatted(instances, s3.endpoint(), BUCKET, S3Server.REGION, credentials, s3.caFile());
    }

    private boolean inBucket(String prefix, String segment) {
        return s3.list(BUCKET, prefix).stream().anyMatch(key -> key.contains("/" + segment + "-"));
    }

    private boolean inPosixRepository(String systemIdentifier, String segment) throws IOException {
        Path archive = home.cluster("demo").resolve("backups").resolve(systemIdentifier).resolve("archive");
        if (!Files.isDirectory(archive)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(archive)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(segment + "-"));
        }
    }

    /**
     * The secret is in each instance's pgbackrest.conf, readable by postgres alone, and in no other
     * file of the cluster (postgresql.conf, logs, events, status) nor in what status prints.
     */
    private void assertKeysOnlyInPrivatePgBackRestConfs() throws IOException {
        byte[] secret = s3.secret().getBytes(StandardCharsets.UTF_8);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(home.cluster("demo"))) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        List<Path> holding = files.stream().filter(f -> contains(f, secret)).toList();
        assertThat(holding).isNotEmpty().allSatisfy(f -> {
            assertThat(f.getFileName()).hasToString("pgbackrest.conf");
            PosixFileAttributes attributes = Files.readAttributes(f, PosixFileAttributes.class);
            assertThat(PosixFilePermissions.toString(attributes.permissions())).isEqualTo("rw-------");
            assertThat(attributes.owner().getName()).isEqualTo("postgres");
        });
        assertThat(holding).hasSize(2);
        assertThat(home.pgset("status", "demo", "-o", "json").ok().out()).doesNotContain(s3.secret());
        assertThat(home.pgset("events", "demo").ok().out()).doesNotContain(s3.secret());
    }

    private static boolean contains(Path file, byte[] needle) {
        try {
            if (Files.size(file) > 64L * 1024 * 1024) {
                return false;
            }
            byte[] bytes = Files.readAllBytes(file);
            outer:
            for (int i = 0; i + needle.length <= bytes.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (bytes[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException gone) {
            return false; // a log rotated or a WAL segment recycled while walking: it held nothing then
        }
    }

    private int notes() throws Exception {
        try (Connection c = home.connect("demo", home.servicePort("demo", "rw")); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT count(*) FROM notes")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** The single value a statement's last row has, run as the superuser on the rw service. */
    private String superuserSql(String sql) {
        String out = home.pgset("psql", "demo", "--superuser", "--", "-Atc", sql).ok().out().strip();
        return out.lines().reduce((a, b) -> b).orElse("");
    }
}
