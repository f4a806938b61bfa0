package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.tls.CertificateAuthority;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** The APIs' server TLS: the certificate each handshake is shown, before and after a renewal. */
class ApiTlsTest {

    private final CertificateAuthority ca = CertificateAuthority.create("test", Instant.now());

    @Test
    void aHandshakeIsShownTheCurrentCertificateAndANewOneAfterRenewal() throws Exception {
        ApiTls.ServerTls tls = ApiTls.server(ca, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        BigInteger first = servedSerial(tls);
        assertThat(servedSerial(tls)).isEqualTo(first);

        tls.renew();

        assertThat(servedSerial(tls)).isNotEqualTo(first);
    }

    @Test
    void aServerStartsWithoutACertificateAndTheFirstHandshakeIssuesOne() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        ApiTls.ServerTls tls = counted(issued, Duration.ofDays(3));
        ApiServer api = new ApiServer("127.0.0.1", 0, "token", "test", tls.context());
        api.start();
        api.close();
        assertThat(issued).as("issued by a server no client called").hasValue(0);
        assertThat(tls.renewAt()).as("nothing to renew").isEqualTo(Instant.MAX);

        BigInteger first = servedSerial(tls);

        assertThat(issued).hasValue(1);
        assertThat(tls.renewAt()).isBetween(Instant.now().plus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(3)));
        assertThat(servedSerial(tls)).isEqualTo(first);
        assertThat(issued).as("one certificate for every handshake until renewed").hasValue(1);
    }

    @Test
    void aRenewalBeforeAnyHandshakeIsWhatTheFirstHandshakeIsShown() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        ApiTls.ServerTls tls = counted(issued, Duration.ofDays(1));
        Instant due = tls.renew();

        assertThat(tls.renewAt()).isEqualTo(due).isBefore(Instant.MAX);
        servedSerial(tls);
        assertThat(issued).as("the renewal's certificate, not another").hasValue(1);
    }

    @Test
    void theKeyIsOfferedOnlyForItsOwnKeyType() {
        ApiTls.Served served = served();

        assertThat(served.fits("EC")).isTrue();
        assertThat(served.fits("EC_EC")).as("TLS 1.2: an EC key whose certificate an EC key signed").isTrue();
        assertThat(served.fits("EC_RSA")).isFalse();
        assertThat(served.fits("RSA")).isFalse();
        assertThat(served.fits("RSASSA-PSS")).isFalse();
        assertThat(served.fits(null)).isFalse();
    }

    @Test
    void aHandshakeThatChoseTheOldCertificateJustBeforeARenewalGetsItsOwnKeyAndChain() {
        ApiTls.Swappable keys = new ApiTls.Swappable();
        ApiTls.Served old = served();
        ApiTls.Served renewed = served();
        keys.serve(old);
        String chosen = keys.chooseServerAlias("EC", null, null);

        keys.serve(renewed);

        assertThat(keys.getPrivateKey(chosen)).isSameAs(old.key());
        assertThat(keys.getCertificateChain(chosen)[0]).isEqualTo(old.chain()[0]);
        assertThat(keys.chooseServerAlias("EC", null, null)).isEqualTo(renewed.alias()).isNotEqualTo(chosen);
        assertThat(keys.chooseServerAlias("RSA", null, null)).isNull();
        assertThat(keys.getPrivateKey("api-unknown")).isNull();
    }

    /** A server TLS whose certificates, each valid {@code validity}, are counted in {@code issued}. */
    private ApiTls.ServerTls counted(AtomicInteger issued, Duration validity) {
        return new ApiTls.ServerTls(ca, () -> {
            issued.incrementAndGet();
            return ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), validity, Instant.now());
        });
    }

    private ApiTls.Served served() {
        return ApiTls.Served.of(ca, ca.issueServer(List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1),
                Instant.now()));
    }

    /** The serial of the certificate a real TLS 1.3 handshake with a server of {@code tls} is shown. */
    private BigInteger servedSerial(ApiTls.ServerTls tls) throws Exception {
        try (SSLServerSocket server = (SSLServerSocket) tls.context().getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.startHandshake();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (SSLSocket client = (SSLSocket) ApiTls.client(ca.certificatePem(), "the test CA").getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                client.startHandshake();
                accepted.join();
                return ((X509Certificate) client.getSession().getPeerCertificates()[0]).getSerialNumber();
            }
        }
    }
}
