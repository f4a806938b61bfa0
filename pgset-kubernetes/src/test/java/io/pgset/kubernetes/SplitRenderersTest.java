package io.pgset.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import io.pgset.kubernetes.model.GeneratedSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The split renderers give exactly what the one large renderer gave, for every example and fixture. */
class SplitRenderersTest {

    @Test
    void theSplitChangedNoRenderedObject() throws IOException {
        List<ClusterSpec> specs = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("..", "deploy", "examples"))) {
            files.sorted().forEach(f -> specs.add(SpecReader.read(f)));
        }
        specs.add(SpecReader.defaults("demo"));
        specs.add(ManifestRendererTest.SPEC);
        assertThat(specs).hasSizeGreaterThan(3);
        for (ClusterSpec spec : specs) {
            for (boolean sourceClaim : List.of(true, false)) {
                List<HasMetadata> old = new OldManifestRenderer(spec, "prod", "example/pgset:1", sourceClaim).render();
                List<HasMetadata> now = new ManifestRenderer(spec, "prod", "example/pgset:1", sourceClaim)
                        .render(GeneratedSecrets.generate(spec.name(), new java.util.Random(1), java.time.Clock.systemUTC()));
                assertThat(ManifestRenderer.yaml(withoutSecretData(now)))
                        .isEqualTo(ManifestRenderer.yaml(withoutSecretData(old)));
                assertThat(now.stream().filter(o -> o instanceof Secret).map(o -> ((Secret) o).getStringData().keySet()))
                        .isEqualTo(old.stream().filter(o -> o instanceof Secret)
                                .map(o -> ((Secret) o).getStringData().keySet()).toList());
            }
        }
    }

    private static List<HasMetadata> withoutSecretData(List<HasMetadata> objects) {
        return objects.stream().map(o -> o instanceof Secret s
                ? new io.fabric8.kubernetes.api.model.SecretBuilder(s).withStringData(null).build() : o).toList();
    }
}
