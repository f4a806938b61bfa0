package io.pgset.kubernetes.api;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The cluster spec as a Kubernetes resource. Its schema (in {@code deploy/crds/}) is generated
 * from these types at build time; the operator still reads every spec through pgset-core's
 * SpecReader, which applies defaults and the checks a schema cannot express.
 */
@Group(PostgresCluster.GROUP)
@Version(PostgresCluster.VERSION)
@Kind("PostgresCluster")
@Plural("postgresclusters")
@Singular("postgrescluster")
@ShortNames("pgc")
public class PostgresCluster extends CustomResource<PostgresClusterSpec, PostgresClusterStatus> implements Namespaced {

    public static final String GROUP = "pgset.io";
    public static final String VERSION = "v1alpha1";

    public PostgresCluster() {}

    public PostgresCluster(String name, PostgresClusterSpec spec) {
        getMetadata().setName(name);
        setSpec(spec);
    }
}
