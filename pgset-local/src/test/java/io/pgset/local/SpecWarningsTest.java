package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.spec.SpecReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SpecWarningsTest {

    private static final String HEADER = "apiVersion: pgset.io/v1alpha1\nkind: PostgresCluster\nmetadata: {name: demo}\n";

    @Test
    void kubernetesOnlyFieldsAreNamedAsIgnored() {
        String out = print(HEADER + """
                spec:
                  storage: {storageClass: fast}
                  scheduling: {nodeSelector: {disktype: ssd}}
                  services: {rw: {type: LoadBalancer}}
                  network: {allow: [127.0.0.1/32]}
                """);

        assertThat(out).contains("WARNING: spec.storage.storageClass, spec.scheduling, spec.services of cluster demo"
                + " only take effect on Kubernetes", "ignores them");
    }

    @Test
    void aSpecWithoutThemGetsNoSuchWarning() {
        assertThat(print(HEADER)).isEmpty();
    }

    private static String print(String spec) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SpecWarnings.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), SpecReader.read(spec));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
