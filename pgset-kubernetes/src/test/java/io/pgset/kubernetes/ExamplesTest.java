package io.pgset.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every example cluster in deploy/examples is a valid spec and renders. */
class ExamplesTest {

    @Test
    void everyExampleIsValidAndRenders() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("..", "deploy", "examples"))) {
            examples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(examples).hasSizeGreaterThanOrEqualTo(3);
        for (Path example : examples) {
            ClusterSpec spec = SpecReader.read(example);
            assertThat(new ManifestRenderer(spec, "default", ManifestRenderer.DEFAULT_IMAGE).render())
                    .as(example.toString()).isNotEmpty();
        }
    }
}
