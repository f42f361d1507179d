package io.dockhand.client;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import io.dockhand.server.StoreServer;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/** The real store, started in this JVM on a free port with its database under a test directory. */
final class Stores {
    private Stores() {
    }

    static StoreServer start(Path dir, String host) {
        return start(dir, host, Map.of());
    }

    /** The store with more settings, such as {@code store.token}. */
    static StoreServer start(Path dir, String host, Map<String, String> more) {
        Map<String, String> settings = new java.util.HashMap<>(more);
        settings.put("server.port", "0");
        settings.put("server.host", host);
        settings.put("store.dir", dir.toString());
        Config config = Config.builder()
                .addSource(ConfigSources.create(settings))
                .addSource(ConfigSources.classpath("application.yaml"))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
        return StoreServer.start(config);
    }

    /** A port nothing listens on (it was free a moment ago). */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
