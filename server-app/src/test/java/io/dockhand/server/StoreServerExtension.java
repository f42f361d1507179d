package io.dockhand.server;

import java.util.HashMap;
import java.util.Map;

import io.dockhand.server.databases.DatabaseExtension;
import io.dockhand.server.databases.StoreOn;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one real store (on the fresh database the class's {@link StoreOn} names, web server on a free port) for a
 * test class and stops it afterwards; tests receive an {@link Http} client pointed at it.
 */
public final class StoreServerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private StoreServer server;

    /** The store's config on a database: {@code store} keys as given, a free port on loopback, no environment. */
    static Config config(Map<String, String> store) {
        Map<String, String> values = new HashMap<>(Map.of("server.port", "0", "server.host", "127.0.0.1"));
        store.forEach((key, value) -> values.put("store." + key, value));
        return Config.builder()
                .addSource(ConfigSources.create(values))
                .addSource(ConfigSources.classpath("application.yaml"))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = StoreServer.start(config(DatabaseExtension.database(context).storeConfig()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Http.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return new Http(server.port());
    }
}
