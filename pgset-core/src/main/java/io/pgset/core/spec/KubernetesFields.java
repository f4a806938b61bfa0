package io.pgset.core.spec;

import io.pgset.core.model.SchedulingSpec;
import io.pgset.core.model.ServicesSpec.ServiceType;
import io.pgset.core.model.ServicesSpec;
import io.pgset.core.model.SchedulingSpec.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The parts of the spec only Kubernetes acts on: {@code storage.storageClass},
 * {@code scheduling} (nodeSelector, tolerations) and {@code services.rw.type}. They are checked as
 * strictly as the rest, in the shapes Kubernetes gives them, so a spec that the local runtime
 * accepts is one the operator accepts too.
 */
final class KubernetesFields {

    private static final String NAME = "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?";
    private static final String SUBDOMAIN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    static final Rule STORAGE_CLASS = Rule.matching("must be a storage class name (a DNS-1123 subdomain: lowercase"
            + " letters, digits, '-' and '.')", SUBDOMAIN);
    private static final Rule LABEL_KEY = Rule.matching("must be a label key (an optional DNS subdomain prefix and"
            + " '/', then a name of letters, digits, '-', '_' and '.', such as kubernetes.io/arch or disktype)",
            "(" + SUBDOMAIN + "/)?" + NAME);
    private static final Rule LABEL_VALUE = Rule.matching("must be a label value (letters, digits, '-', '_' and '.',"
            + " starting and ending with a letter or digit, or empty)", "(" + NAME + ")?");
    private static final Rule OPERATOR = Rule.oneOf("Equal", "Exists");
    private static final Rule EFFECT = Rule.oneOf("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final Rule SERVICE_TYPE = Rule.oneOf(ServiceType.CLUSTER_IP.kubernetesName(),
            ServiceType.LOAD_BALANCER.kubernetesName());

    private KubernetesFields() {}

    static SchedulingSpec scheduling(SpecNode scheduling) {
        scheduling.allowOnly("nodeSelector", "tolerations");
        SpecNode selector = scheduling.object("nodeSelector");
        Map<String, String> nodeSelector = new TreeMap<>();
        for (String key : selector.fieldNames()) {
            LABEL_KEY.check(key).ifPresentOrElse(problem -> selector.report(key, problem),
                    () -> selector.scalar(key, LABEL_VALUE, Rule.maxLength(63))
                            .ifPresent(value -> nodeSelector.put(key, value)));
        }
        List<Toleration> tolerations = new ArrayList<>();
        for (SpecNode node : scheduling.objects("tolerations")) {
            tolerations.add(toleration(node));
        }
        return new SchedulingSpec(nodeSelector, tolerations);
    }

    /** Kubernetes' own rules: no key means every taint (Exists), Exists takes no value, seconds only with NoExecute. */
    private static Toleration toleration(SpecNode node) {
        node.allowOnly("key", "operator", "value", "effect", "tolerationSeconds");
        String key = node.text("key", "", LABEL_KEY, Rule.maxLength(316));
        String operator = node.text("operator", "Equal", OPERATOR);
        String value = node.text("value", "", LABEL_VALUE, Rule.maxLength(63));
        String effect = node.text("effect", "", EFFECT);
        if (key.isEmpty() && operator.equals("Equal") && node.isClean("key") && node.isClean("operator")) {
            node.report("operator", "must be Exists when key is empty (a toleration of every taint)");
        }
        if (operator.equals("Exists") && !value.isEmpty() && node.isClean("value")) {
            node.report("value", "must be empty with operator Exists, got " + Describe.text(value));
        }
        OptionalLong seconds = OptionalLong.empty();
        if (node.has("tolerationSeconds")) {
            seconds = OptionalLong.of(node.integer("tolerationSeconds", 0, 0, Integer.MAX_VALUE));
            if (!effect.equals("NoExecute") && node.isClean("effect")) {
                node.report("tolerationSeconds", "applies only with effect NoExecute; remove it or set that effect");
            }
        }
        return new Toleration(key, operator, value, effect, seconds);
    }

    /**
     * A load balancer takes clients from outside the Kubernetes cluster, which only
     * {@code network.allow} can admit (it also becomes the load balancer's source ranges).
     */
    /** @param networksListed whether spec.network.allow lists at least one network */
    static ServicesSpec services(SpecNode services, boolean networksListed) {
        services.allowOnly("rw");
        SpecNode rw = services.object("rw");
        rw.allowOnly("type");
        String type = rw.text("type", ServiceType.CLUSTER_IP.kubernetesName(), SERVICE_TYPE);
        ServiceType readWrite = type.equals(ServiceType.LOAD_BALANCER.kubernetesName())
                ? ServiceType.LOAD_BALANCER : ServiceType.CLUSTER_IP;
        if (readWrite == ServiceType.LOAD_BALANCER && !networksListed) {
            rw.report("type", "LoadBalancer needs spec.network.allow: list the networks outside the cluster that may"
                    + " connect through the load balancer (the NetworkPolicy admits only the namespace's pods without it)");
        }
        return new ServicesSpec(readWrite);
    }
}
