package io.dockhand.server.databases;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Creates the database {@link StoreOn} names for a test class before its first test and hands it to test and
 * lifecycle methods that take a {@link TestDatabase}; JUnit closes it (removes it) when the class is done.
 */
public final class DatabaseExtension implements BeforeAllCallback, ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(DatabaseExtension.class);

    /** The test class's database, created on first use and kept in the class's store. */
    public static TestDatabase database(ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        DatabaseKind kind = AnnotationSupport.findAnnotation(classContext.getRequiredTestClass(), StoreOn.class)
                .map(StoreOn::value)
                .orElseThrow(() -> new IllegalStateException(classContext.getRequiredTestClass().getName()
                        + " needs @StoreOn(H2) or @StoreOn(POSTGRES): which database its store runs on"));
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(TestDatabase.class, key -> {
            try {
                return kind.create(classContext);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, TestDatabase.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return database(context);
    }
}
