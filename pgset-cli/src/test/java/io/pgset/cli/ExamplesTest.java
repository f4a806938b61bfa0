package io.pgset.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every example is a valid spec that says what it is; those that claim to be the defaults are. */
class ExamplesTest {

    private static List<Path> examples(String dir) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("..").resolve(dir))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyExampleIsAValidSpecThatOpensBySayingWhatItIs() throws IOException {
        List<Path> all = new java.util.ArrayList<>(examples("examples"));
        all.addAll(examples("deploy/examples"));
        assertThat(all).hasSizeGreaterThanOrEqualTo(5);
        for (Path example : all) {
            ClusterSpec spec = SpecReader.read(example);
            assertThat(spec.name()).as(example.toString()).isNotBlank();
            assertThat(Files.readAllLines(example).get(0)).as("the first line of %s", example).startsWith("# ");
        }
    }

    @Test
    void demoYamlIsTheDefaultClusterSpelledOut() {
        assertThat(SpecReader.read(Path.of("../examples/demo.yaml"))).isEqualTo(SpecReader.defaults("demo"));
    }

    @Test
    void theMinimalKubernetesExampleTakesEveryDefault() {
        assertThat(SpecReader.read(Path.of("../deploy/examples/minimal.yaml"))).isEqualTo(SpecReader.defaults("demo"));
    }
}
