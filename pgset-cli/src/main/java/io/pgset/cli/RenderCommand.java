package io.pgset.cli;

import io.pgset.core.spec.SpecReader;
import io.pgset.kubernetes.ManifestRenderer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "render", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Print the Kubernetes objects for a PostgresCluster spec as one YAML stream.",
        "No cluster is needed. It prints Secrets, ConfigMaps, the headless and rw/ro/r Services, the "
                + "StatefulSet, a PodDisruptionBudget and a NetworkPolicy. Secrets get newly generated passwords."})
final class RenderCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "A PostgresCluster YAML file.")
    Path file;

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = "default", description = "The namespace to render for (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--image", paramLabel = "IMAGE", defaultValue = ManifestRenderer.DEFAULT_IMAGE,
            description = "The pgset image (default: ${DEFAULT-VALUE}).")
    String image;

    @Override
    public Integer call() {
        main.out.print(ManifestRenderer.yaml(new ManifestRenderer(SpecReader.read(file), namespace, image).render()));
        return 0;
    }
}
