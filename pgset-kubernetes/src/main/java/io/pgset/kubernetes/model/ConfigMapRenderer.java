package io.pgset.kubernetes.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.pgset.core.spec.SpecReader;
import java.util.List;

/** The ConfigMaps the pods mount: the init SQL, and the spec itself. Pure. */
public final class ConfigMapRenderer {

    private ConfigMapRenderer() {}

    public static ConfigMap initSql(RenderInputs in) {
        List<String> statements = in.spec().bootstrap().initdb().initSql();
        return new ConfigMapBuilder().withMetadata(ClusterLabels.meta(in, initSqlName(in)))
                .addToData("init.sql", String.join(";\n", statements) + (statements.isEmpty() ? "" : ";\n"))
                .build();
    }

    /** The spec itself, which every instance reads at start and at each reload (as locally). */
    public static ConfigMap spec(RenderInputs in) {
        return new ConfigMapBuilder().withMetadata(ClusterLabels.meta(in, specName(in)))
                .addToData("spec.yaml", specFile(in.spec()))
                .build();
    }

    /** The spec as the {@code <name>-spec} ConfigMap holds it. */
    public static String specFile(io.pgset.core.model.ClusterSpec spec) {
        return SpecReader.write(spec);
    }

    static String initSqlName(RenderInputs in) {
        return in.spec().name() + "-init";
    }

    static String specName(RenderInputs in) {
        return in.spec().name() + "-spec";
    }
}
