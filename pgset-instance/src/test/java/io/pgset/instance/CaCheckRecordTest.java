package io.pgset.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgset.core.tls.CertificateAuthority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ApiTls#authority}: that a CA's key is its certificate's is proven once per pair of files
 * and recorded, and any other pair is proven again.
 */
class CaCheckRecordTest {

    private final CertificateAuthority ca = CertificateAuthority.create("test", Instant.now());
    private final CertificateAuthority other = CertificateAuthority.create("other", Instant.now());

    @TempDir
    Path secrets;

    private void write(String certificatePem, String keyPem) throws Exception {
        Files.writeString(secrets.resolve(InstanceTls.CA_CERTIFICATE), certificatePem);
        Files.writeString(secrets.resolve(InstanceTls.CA_KEY), keyPem);
    }

    @Test
    void aPairIsCheckedOnceThenRecordedAndLoadsTheSame() throws Exception {
        write(ca.certificatePem(), ca.privateKeyPem());
        Path record = secrets.resolve(ApiTls.CA_CHECKED);
        assertThat(record).doesNotExist();

        CertificateAuthority first = ApiTls.authority(secrets);
        assertThat(record).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(record))).isEqualTo("rw-------");
        CertificateAuthority again = ApiTls.authority(secrets);

        assertThat(again.certificate()).isEqualTo(first.certificate()).isEqualTo(ca.certificate());
        assertThat(again.privateKeyPem()).isEqualTo(ca.privateKeyPem());
    }

    @Test
    void aKeyChangedByHandIsCheckedAgainAndRefusedWhenItIsNotTheCertificates() throws Exception {
        write(ca.certificatePem(), ca.privateKeyPem());
        ApiTls.authority(secrets);

        write(ca.certificatePem(), other.privateKeyPem());

        assertThatThrownBy(() -> ApiTls.authority(secrets)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the CA's private key is not the key of its certificate");
    }

    @Test
    void aRecordedPairIsOnlyParsed() throws Exception {
        // the record vouches for the pair it names (whoever may write it may write the key too):
        // a mismatched pair recorded by hand is taken as it is, which shows the check is skipped
        write(ca.certificatePem(), other.privateKeyPem());
        ApiTls.recordChecked(secrets, ca.certificatePem(), other.privateKeyPem());

        assertThat(ApiTls.authority(secrets).certificate()).isEqualTo(ca.certificate());
    }

    @Test
    void whereNoRecordCanBeWrittenEveryLoadChecks() throws Exception {
        write(ca.certificatePem(), ca.privateKeyPem());
        // a read-only mount, as a pod's Secret is, stands in here by a directory in the record's place
        // (root, who runs these tests, may write in a read-only directory)
        Files.createDirectory(secrets.resolve(ApiTls.CA_CHECKED));

        assertThat(ApiTls.authority(secrets).certificate()).isEqualTo(ca.certificate());
        write(ca.certificatePem(), other.privateKeyPem());
        assertThatThrownBy(() -> ApiTls.authority(secrets)).isInstanceOf(IllegalArgumentException.class);
    }
}
