package io.dockhand.agent;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's HTTP behaviour without Docker: the real server on loopback with a {@link FakeEngine}. Callers are
 * told apart by source address, so the fake puts a container at 127.0.0.1, and calls from 127.0.0.2 come from
 * something that is not a container on the node.
 */
class AgentHttpTest {

    private static final String TOKEN = "fake-operator-token";
    private static final String SELF_ID = "c1".repeat(32);
    private static final String OTHER_ID = "d2".repeat(32);

    private static FakeEngine engine;
    private static AgentServer agent;
    private static AgentCalls container;
    private static AgentCalls stranger;

    @BeforeAll
    static void start() throws Exception {
        engine = new FakeEngine();
        engine.run(SELF_ID, "caller", "fake-net", "127.0.0.1");
        engine.run(OTHER_ID, "neighbour", "fake-net", "10.99.0.2");
        agent = AgentServer.start(Config.just(ConfigSources.create(Map.of(
                "server.port", "0",
                "server.host", "127.0.0.1",
                "agent.token", TOKEN,
                "agent.refresh.interval", "PT0.2S"))), engine);
        container = new AgentCalls(agent.port(), InetAddress.getByName("127.0.0.1"));
        stranger = new AgentCalls(agent.port(), InetAddress.getByName("127.0.0.2"));
    }

    @AfterEach
    void engineBack() {
        engine.available(true);
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
            assertThat(engine.closed()).as("the agent closes its engine").isTrue();
        }
    }

    @Test
    void answersTheCallingContainerWithItsOwnFacts() throws Exception {
        AgentCalls.Answer self = container.fromHost("/v1/self", null);

        assertThat(self.status()).as(self.body()).isEqualTo(200);
        assertThat(self.header("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("application/json"));
        assertThat(self.json()).containsEntry("containerId", SELF_ID).containsEntry("name", "caller")
                .containsEntry("node", FakeEngine.NODE).containsEntry("state", "running");
        assertThat(container.fromHost("/info/caller", null).json()).containsEntry("containerId", SELF_ID);
        assertThat(container.fromHost("/info/" + SELF_ID.substring(0, 12), null).json())
                .containsEntry("containerId", SELF_ID);
        assertThat(container.fromHost("/v1/node", null).json()).containsEntry("hostname", FakeEngine.NODE);
    }

    @Test
    void forbidsACallerThatIsNotAContainerOnThisNode() throws Exception {
        for (String path : List.of("/v1/self", "/v1/node", "/info/caller", "/info/" + SELF_ID)) {
            Map<String, Object> problem = stranger.fromHost(path, null).assertProblem(403);
            assertThat(problem).containsEntry("type", "/problems/forbidden").containsEntry("title", "Forbidden")
                    .containsEntry("instance", path);
            assertThat(problem.get("detail").toString()).satisfiesAnyOf(
                    detail -> assertThat(detail).contains("(127.0.0.2) is not a running container on this node"),
                    detail -> assertThat(detail).startsWith("Only containers on this node"));
        }
    }

    @Test
    void forbidsAContainerToAskAboutAnother() throws Exception {
        for (String other : List.of("neighbour", OTHER_ID, OTHER_ID.substring(0, 12), "no-such-container")) {
            assertThat(container.fromHost("/info/" + other, null).assertProblem(403).get("detail"))
                    .isEqualTo("A container may ask only about itself.");
        }
    }

    @Test
    void refusesAWrongBearerTokenWith401() throws Exception {
        for (AgentCalls caller : List.of(container, stranger)) {
            for (String path : List.of("/info/neighbour", "/v1/node")) {
                assertThat(caller.fromHost(path, "not-" + TOKEN).assertProblem(401))
                        .containsEntry("type", "/problems/bad-token").containsEntry("instance", path);
            }
        }
    }

    @Test
    void letsAnOperatorAskAboutAnyContainerAndAnswers404ForAnUnknownOne() throws Exception {
        assertThat(stranger.fromHost("/info/neighbour", TOKEN).json()).containsEntry("containerId", OTHER_ID);
        assertThat(stranger.fromHost("/v1/node", TOKEN).json()).containsEntry("hostname", FakeEngine.NODE);

        assertThat(stranger.fromHost("/info/no-such-container", TOKEN).assertProblem(404))
                .containsEntry("type", "/problems/container-not-found").containsEntry("title", "Container not found")
                .containsEntry("instance", "/info/no-such-container");
        assertThat(stranger.fromHost("/info/bad!name", TOKEN).assertProblem(400))
                .containsEntry("type", "/problems/invalid-container-reference");
    }

    @Test
    void answersUnknownPathsWith404AndOtherMethodsWith405ListingAllow() throws Exception {
        for (String path : List.of("/", "/v2/self", "/info", "/info/a/b", "/v1/self/more")) {
            assertThat(stranger.fromHost(path, null).assertProblem(404)).containsEntry("instance", path)
                    .containsEntry("type", "/problems/not-found");
        }
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            for (String path : List.of("/v1/self", "/v1/node", "/v1/version", "/info/caller")) {
                AgentCalls.Answer answer = container.fromHost(method, path, null);
                assertThat(answer.assertProblem(405)).containsEntry("instance", path);
                assertThat(answer.header("Allow")).as(method + " " + path).hasValue("GET, HEAD");
            }
        }
    }

    @Test
    void answers503WhileTheEngineIsUnavailableAndRecoversWithIt() throws Exception {
        assertThat(container.fromHost("/v1/self", null).status()).isEqualTo(200);
        engine.available(false);

        for (AgentCalls.Answer answer : List.of(container.fromHost("/v1/self", null),
                container.fromHost("/v1/node", null),
                stranger.fromHost("/info/neighbour", TOKEN))) {
            Map<String, Object> problem = answer.assertProblem(503);
            assertThat(problem).containsEntry("type", "/problems/engine-unavailable")
                    .containsEntry("detail", "The node's Docker Engine did not answer in time; try again shortly.");
            assertThat(answer.header("Retry-After")).hasValue("1");
            assertThat(answer.body()).doesNotContain("switched off");
        }
        assertThat(eventually("/observe/health", 503)).isEqualTo(503);

        engine.available(true);
        assertThat(eventually("/observe/health", 200)).isEqualTo(200);
        assertThat(container.fromHost("/v1/self", null).json()).containsEntry("containerId", SELF_ID);
    }

    private static int eventually(String path, int wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status;
        do {
            status = stranger.fromHost(path, null).status();
            if (status == wanted) {
                return status;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return status;
    }
}
