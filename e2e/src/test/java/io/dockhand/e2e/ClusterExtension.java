package io.dockhand.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives tests the one {@link Cluster} of this test run: started on first use, kept in the root context's store
 * and closed when the whole run ends (failures included), so every test class shares one deployment. When a
 * test fails, the stack's tasks and logs are printed before anything is taken down.
 */
public final class ClusterExtension implements ParameterResolver, TestWatcher {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ClusterExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Cluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Resource.class, key -> new Resource(Cluster.start(root())), Resource.class)
                .cluster();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Resource resource = context.getRoot().getStore(NAMESPACE).get(Resource.class, Resource.class);
        if (resource != null) {
            resource.cluster().printDiagnostics();
        }
    }

    private static Path root() {
        Path root = Path.of(System.getProperty("dockhand.root", "..")).toAbsolutePath().normalize();
        if (!Files.exists(root.resolve("swarm-stack.yml"))) {
            throw new IllegalStateException("no swarm-stack.yml under " + root + ": set -Ddockhand.root to the repository");
        }
        return root;
    }

    /** Closes the cluster when the root context closes. */
    private record Resource(Cluster cluster) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            cluster.close();
        }
    }
}
