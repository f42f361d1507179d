package io.dockhand.client;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.dockhand.server.StoreServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services a command talks to, started once per test class: the real store in this JVM and an agent that
 * follows the agent's contract, describing a fresh container for every test.
 */
abstract class LiveServices {
    static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @TempDir
    static Path dir;
    static StoreServer store;
    static FakeAgent agent;
    String containerId;

    @BeforeAll
    static void startServices() throws Exception {
        store = Stores.start(dir.resolve("store"), "127.0.0.1");
        agent = FakeAgent.start();
    }

    @AfterAll
    static void stopServices() {
        if (agent != null) {
            agent.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void newContainer() {
        agent.fail(0, null, null);
        containerId = agent.container("web-1", "nginx:1.27", "node-1");
    }

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("DOCKHAND_SERVER", "http://127.0.0.1:" + store.port());
        env.put("DOCKHAND_AGENT", agent.url());
        return env;
    }

    static Cli.Result client(String... args) {
        return client(env(), args);
    }

    static Cli.Result client(Map<String, String> env, String... args) {
        return Cli.run(Cli.session(env, "", dir), args);
    }
}
