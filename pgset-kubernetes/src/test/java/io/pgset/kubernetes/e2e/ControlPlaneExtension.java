package io.pgset.kubernetes.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class a real control plane ({@link ControlPlane}): started before its first test,
 * stopped after its last, also when a test or the start itself fails. Test methods and the class's
 * constructor or {@code @BeforeAll} methods may take the {@link ControlPlane} or its admin
 * {@link KubernetesClient} as parameters.
 */
final class ControlPlaneExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ControlPlaneExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        // The store closes what it holds (AutoCloseable) when the class's context ends, however it ends.
        context.getStore(NAMESPACE).put(ControlPlane.class, ControlPlane.start());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ControlPlane.class || type == KubernetesClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ControlPlane plane = context.getStore(NAMESPACE).get(ControlPlane.class, ControlPlane.class);
        if (plane == null) {
            throw new IllegalStateException("no control plane: " + ControlPlaneExtension.class.getSimpleName()
                    + " starts one per test class (register it on the class)");
        }
        return parameter.getParameter().getType() == ControlPlane.class ? plane : plane.adminClient();
    }
}
