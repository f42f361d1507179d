package io.dockhand.agent;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import io.dockhand.server.StoreServer;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A container's record that its agent vouches for: {@code POST /v1/self/records} on the agent stores the caller's
 * facts, as the agent read them, in a real store, presenting the cluster token, so the store keeps them verified.
 */
class VouchedRecordsTest {
    private static final String TOKEN = "the-cluster-token";
    private static final String SELF_ID = "e5".repeat(32);

    private static Path dir;
    private static StoreServer store;
    private static AgentServer agent;
    private static AgentServer lostAgent;
    private static AgentServer agentWithoutStore;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("dockhand-vouched");
        store = StoreServer.start(Config.just(ConfigSources.create(Map.of("server.port", "0",
                "server.host", "127.0.0.1", "store.dir", dir.toString(), "store.token", TOKEN))));
        String storeUrl = "http://127.0.0.1:" + store.port();
        agent = startAgent(Map.of("agent.token", TOKEN, "agent.store", storeUrl));
        lostAgent = startAgent(Map.of("agent.token", "not-the-cluster-token", "agent.store", storeUrl));
        agentWithoutStore = startAgent(Map.of("agent.token", TOKEN));
    }

    private static AgentServer startAgent(Map<String, String> settings) {
        FakeEngine engine = new FakeEngine();
        engine.run(SELF_ID, "reporter", "fake-net", "127.0.0.1");
        Map<String, String> config = new java.util.HashMap<>(settings);
        config.put("server.port", "0");
        config.put("server.host", "127.0.0.1");
        return AgentServer.start(Config.just(ConfigSources.create(config)), engine);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable server : new AutoCloseable[] {agent, lostAgent, agentWithoutStore, store}) {
            if (server != null) {
                server.close();
            }
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static AgentCalls callsFrom(AgentServer server, String address) throws Exception {
        return new AgentCalls(server.port(), InetAddress.getByName(address));
    }

    @Test
    void storesTheCallersOwnFactsAsVerified() throws Exception {
        AgentCalls.Answer answer = callsFrom(agent, "127.0.0.1").fromHost("POST", "/v1/self/records", null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        assertThat(answer.json()).containsEntry("containerId", SELF_ID).containsEntry("name", "reporter")
                .containsEntry("verified", true);
        assertThat(answer.header("Location")).hasValueSatisfying(location -> assertThat(location)
                .startsWith("http://127.0.0.1:" + store.port() + "/api/v1/records/"));
    }

    @Test
    void answersARetryWithTheSameKeyWithTheFirstRecord() throws Exception {
        AgentCalls calls = callsFrom(agent, "127.0.0.1");
        String key = "retry-" + System.nanoTime();
        AgentCalls.Answer first = calls.send("POST", "/v1/self/records", Map.of("Idempotency-Key", key));
        Thread.sleep(20); // the facts read again now would differ (observedAt)
        AgentCalls.Answer again = calls.send("POST", "/v1/self/records", Map.of("Idempotency-Key", key));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(again.status()).as(again.body()).isEqualTo(201);
        assertThat(again.json()).containsEntry("id", first.json().get("id"));
    }

    @Test
    void vouchesOnlyForContainersOnItsNode() throws Exception {
        callsFrom(agent, "127.0.0.2").fromHost("POST", "/v1/self/records", null).assertProblem(403);
    }

    @Test
    void saysSoWhenItHasNoStoreOrTheStoreRefusesItsToken() throws Exception {
        Map<String, Object> noStore = callsFrom(agentWithoutStore, "127.0.0.1")
                .fromHost("POST", "/v1/self/records", null).assertProblem(501);
        assertThat(noStore).containsEntry("type", "/problems/no-store");
        Map<String, Object> refused = callsFrom(lostAgent, "127.0.0.1")
                .fromHost("POST", "/v1/self/records", null).assertProblem(401);
        assertThat(refused).containsEntry("type", "/problems/bad-token");
    }
}
