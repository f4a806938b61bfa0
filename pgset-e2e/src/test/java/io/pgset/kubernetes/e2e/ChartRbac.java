package io.pgset.kubernetes.e2e;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's ClusterRole as the Helm chart renders it (watchNamespaces empty): rbac.yaml's
 * ClusterRole takes its rules from the {@code pgset-operator.rules} template of _helpers.tpl,
 * which is plain YAML; this reads that template, so the test runs the operator with exactly the
 * chart's permissions.
 */
final class ChartRbac {

    private static final Path CHART = Path.of("..", "deploy", "helm", "pgset-operator", "templates");
    private static final Pattern RULES = Pattern.compile(
            "\\{\\{- define \"pgset-operator\\.rules\" -}}\\n(.*?)\\{\\{- end }}", Pattern.DOTALL);

    private ChartRbac() {
    }

    static ClusterRole clusterRole(KubernetesClient client, String name) throws IOException {
        String rbac = Files.readString(CHART.resolve("rbac.yaml"));
        if (!rbac.contains("kind: ClusterRole\n") || !rbac.contains("include \"pgset-operator.rules\" . | nindent 2")) {
            throw new IllegalStateException(CHART.resolve("rbac.yaml") + " no longer makes its ClusterRole from the"
                    + " pgset-operator.rules template; update " + ChartRbac.class.getSimpleName());
        }
        Matcher rules = RULES.matcher(Files.readString(CHART.resolve("_helpers.tpl")));
        if (!rules.find() || rules.group(1).contains("{{")) {
            throw new IllegalStateException(CHART.resolve("_helpers.tpl") + ": the pgset-operator.rules template is not"
                    + " plain YAML any more; update " + ChartRbac.class.getSimpleName());
        }
        String role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: " + name
                + "\nrules:\n" + rules.group(1).indent(2);
        return client.getKubernetesSerialization().unmarshal(role, ClusterRole.class);
    }
}
