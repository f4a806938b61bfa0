package io.pgset.cli;

import io.pgset.core.spec.SpecReader;
import io.pgset.core.tls.CertificateAuthority;
import io.pgset.instance.ApiTls;
import io.pgset.local.WarmInstances;
import io.pgset.instance.ApiServer;
import java.io.BufferedReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A warm JVM's wait for its instance ({@link WarmInstances}): it first does, with throwaway values,
 * the work every instance manager does at start (the command line, a spec read, a certificate
 * issued, the TLS API server started and stopped on a free port, the JDBC driver refused by a
 * closed port), so that those classes are loaded and their first-time costs paid; then it waits
 * for the controller to hand it the instance's arguments on standard input. It touches no file.
 */
final class WarmStart {

    private WarmStart() {}

    /** The handover; empty when standard input closed first or none came within {@link WarmInstances#MAX_AGE}. */
    static Optional<WarmInstances.Handover> await() throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(WarmStart::readLine);
        warmUp(line::isDone);
        try {
            String got = line.get(WarmInstances.MAX_AGE.toMillis(), TimeUnit.MILLISECONDS);
            return got == null ? Optional.empty() : Optional.of(WarmInstances.Handover.decode(got));
        } catch (java.util.concurrent.TimeoutException e) {
            return Optional.empty();
        }
    }

    private static String readLine() {
        try {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /**
     * The warm-up, step by step; it stops as soon as {@code handedOver}: what an early handover
     * needs it does itself, and throwaway work then would only delay it.
     */
    private static void warmUp(java.util.function.BooleanSupplier handedOver) throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true);
        // the command line, as the handover reads it (without picocli, see DaemonCommandLine)
        DaemonCommandLine.parse(new Main(quiet, quiet, false), "instance", "--cluster=warm", "--ordinal=0", "--port=1",
                "--api-port=2", "--upstream=127.0.0.1:3", "--new-database", "--pod-dir=warm");
        if (handedOver.getAsBoolean()) {
            return;
        }
        SpecReader.read(SpecReader.write(SpecReader.defaults("warm")));
        if (handedOver.getAsBoolean()) {
            return;
        }
        CertificateAuthority created = CertificateAuthority.create("warm", Instant.now());
        // parsed as a daemon loads the cluster CA, whose check is recorded (see ApiTls.authority)
        CertificateAuthority ca = CertificateAuthority.fromCheckedPem(created.certificatePem(), created.privateKeyPem());
        if (handedOver.getAsBoolean()) {
            return;
        }
        ApiServer api = new ApiServer("127.0.0.1", 0, "warm", "warm",
                ApiTls.server(ca, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1)).context());
        api.start();
        api.close();
        if (handedOver.getAsBoolean()) {
            return;
        }
        Properties props = new Properties();
        props.setProperty("connectTimeout", "1");
        try {
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:1/warm", props); // refused at once
        } catch (SQLException refused) {
            // expected: only the driver's classes were wanted
        }
    }
}
