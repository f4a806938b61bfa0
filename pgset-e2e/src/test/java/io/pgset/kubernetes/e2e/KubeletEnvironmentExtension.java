package io.pgset.kubernetes.e2e;

import java.io.IOException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class one {@link KubeletEnvironment} (control plane, process kubelet, operator):
 * started before its first test, stopped after its last, also when a test or the start fails.
 */
final class KubeletEnvironmentExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KubeletEnvironmentExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        context.getStore(NAMESPACE).put(KubeletEnvironment.class, KubeletEnvironment.start());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KubeletEnvironment.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).get(KubeletEnvironment.class, KubeletEnvironment.class);
    }
}
