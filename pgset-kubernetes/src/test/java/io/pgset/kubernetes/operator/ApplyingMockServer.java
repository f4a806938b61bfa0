package io.pgset.kubernetes.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Like {@code @EnableKubernetesMockClient(crud = true)}, with {@link ApplyingCrudDispatcher} so
 * that server-side apply works: one mock server per test class, its client put in the class's
 * static {@code KubernetesClient} field, both closed after the class.
 */
final class ApplyingMockServer implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ApplyingMockServer.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new ApplyingCrudDispatcher(), false);
        server.init();
        KubernetesClient client = server.createClient();
        context.getStore(NAMESPACE).put(KubernetesMockServer.class, server);
        context.getStore(NAMESPACE).put(KubernetesClient.class, client);
        for (Field field : context.getRequiredTestClass().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == KubernetesClient.class) {
                field.setAccessible(true);
                field.set(null, client);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        context.getStore(NAMESPACE).get(KubernetesClient.class, KubernetesClient.class).close();
        context.getStore(NAMESPACE).get(KubernetesMockServer.class, KubernetesMockServer.class).destroy();
    }
}
