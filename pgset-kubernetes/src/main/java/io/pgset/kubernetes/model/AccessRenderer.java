package io.pgset.kubernetes.model;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.pgset.kubernetes.api.PostgresCluster;

/** The instances' own identity and what it may read: a ServiceAccount, a Role and its binding. Pure. */
public final class AccessRenderer {

    private AccessRenderer() {}

    /** The instances' own identity: they read the recorded primary and their peers' addresses, nothing else. */
    public static ServiceAccount serviceAccount(RenderInputs in) {
        return new ServiceAccountBuilder().withMetadata(ClusterLabels.meta(in, account(in)))
                .withAutomountServiceAccountToken(false) // the pod template asks for the token itself
                .build();
    }

    /**
     * Read-only, and only this cluster's StatefulSet (the recorded primary, for {@code pgset
     * instance} to choose initdb, clone, follow or start as primary, and to notice when another
     * was promoted) and pods (their addresses). Pods cannot be limited by name in a list, so any
     * pod's address in the namespace is readable; nothing in a pod object is secret. A cluster
     * bootstrapped by recovery also reads its source's PostgresCluster, for the repository to
     * restore from.
     */
    public static Role role(RenderInputs in) {
        return new RoleBuilder().withMetadata(ClusterLabels.meta(in, account(in)))
                .addNewRule().withApiGroups("apps").withResources("statefulsets").withResourceNames(in.spec().name())
                .withVerbs("get").endRule()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "list").endRule()
                .addAllToRules(in.spec().bootstrap().recovery().stream()
                        .map(r -> new PolicyRuleBuilder()
                                .withApiGroups(PostgresCluster.GROUP)
                                .withResources("postgresclusters").withResourceNames(r.source().cluster())
                                .withVerbs("get").build())
                        .toList())
                .build();
    }

    public static RoleBinding roleBinding(RenderInputs in) {
        return new RoleBindingBuilder().withMetadata(ClusterLabels.meta(in, account(in)))
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
                .withName(account(in)).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(account(in)).withNamespace(in.namespace())
                .endSubject()
                .build();
    }

    /** The ServiceAccount the pods run as. */
    static String account(RenderInputs in) {
        return in.spec().name() + "-instance";
    }
}
