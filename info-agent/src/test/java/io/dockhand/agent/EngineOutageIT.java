package io.dockhand.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent reaches the engine through a socket the test can take away or make hang: callers get a 503 within the
 * engine timeout, and answers again as soon as the engine is back.
 */
class EngineOutageIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final String TOKEN = "outage-operator-" + UUID.randomUUID();

    @RegisterExtension
    static final DockerFixture DOCKER = new DockerFixture();

    private static Path dir;
    private static EngineProxy engine;
    private static AgentServer agent;
    private static AgentCalls calls;
    private static String caller;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("dockhand-agent-it");
        engine = new EngineProxy(dir.resolve("docker.sock"));
        engine.up();
        String network = "dockhand-agent-outage-" + RUN;
        String gateway = DOCKER.network(network);
        caller = DOCKER.run("agent-outage-" + RUN, network, Map.of(), List.of(), "sleep", "600");
        agent = AgentServer.start(Config.just(ConfigSources.create(Map.of(
                "server.port", "0",
                "server.host", "0.0.0.0",
                "docker.host", engine.dockerHost(),
                "agent.token", TOKEN,
                "agent.engine.timeout", "PT1S",
                "agent.refresh.interval", "PT1S"))));
        calls = new AgentCalls(DOCKER, gateway, agent.port());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
        } finally {
            engine.close();
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void answers503WhileTheEngineIsGoneAndRecoversWhenItIsBack() throws Exception {
        assertThat(calls.fromContainer(caller, "/v1/self", null).status()).isEqualTo(200);

        engine.down();
        AgentCalls.Answer gone = calls.fromContainer(caller, "/v1/self", null);
        gone.assertProblem(503);
        assertThat(gone.header("Retry-After")).contains("1");
        assertThat(gone.millis()).isLessThan(TIMEOUT.toMillis() + 500);
        AgentCalls.Answer node = calls.fromHost("/v1/node", TOKEN);
        node.assertProblem(503);
        assertThat(node.header("Retry-After")).contains("1");
        assertThat(healthAfterATick()).isEqualTo(503);

        engine.up();
        assertThat(firstStatusWithin("/v1/self", Duration.ofSeconds(5))).isEqualTo(200);
        assertThat(healthAfterATick()).isEqualTo(200);
    }

    @Test
    void answers503WithinTheTimeoutWhenTheEngineHangs() throws Exception {
        assertThat(firstStatusWithin("/v1/self", Duration.ofSeconds(5))).isEqualTo(200);

        engine.hang();
        try {
            AgentCalls.Answer slow = calls.fromContainer(caller, "/v1/self", null);
            slow.assertProblem(503);
            assertThat(slow.millis()).isBetween(TIMEOUT.toMillis() - 100, TIMEOUT.toMillis() * 2 + 500);
        } finally {
            engine.up();
        }
        assertThat(firstStatusWithin("/v1/self", Duration.ofSeconds(5))).isEqualTo(200);
    }

    @Test
    void anIdTheEngineRefusesIsTheOperatorsBadRequestNotAnOutage() throws Exception {
        String refused = "refused-" + RUN;
        engine.reject(".*/containers/" + refused + "/json", 400, "invalid container reference \"" + refused + "\"");
        try {
            AgentCalls.Answer answer = calls.fromHost("/info/" + refused, TOKEN);
            Map<String, Object> problem = answer.assertProblem(400);
            assertThat(problem).containsEntry("type", "/problems/invalid-container-reference")
                    .containsEntry("instance", "/info/" + refused);
            assertThat(problem.get("detail").toString()).contains(refused)
                    .contains("invalid container reference").doesNotContain("Status 400");
            assertThat(answer.header("Retry-After")).isEmpty();

            engine.reject(".*/containers/" + refused + "/json", 404, "No such container: " + refused);
            calls.fromHost("/info/" + refused, TOKEN).assertProblem(404);
        } finally {
            engine.restore();
        }
        assertThat(healthAfterATick()).isEqualTo(200);
    }

    private static int healthAfterATick() throws Exception {
        Thread.sleep(2_500);
        return calls.fromHost("/observe/health", null).status();
    }

    private static int firstStatusWithin(String path, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        int status;
        do {
            status = calls.fromContainer(caller, path, null).status();
            if (status == 200) {
                return status;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return status;
    }
}
