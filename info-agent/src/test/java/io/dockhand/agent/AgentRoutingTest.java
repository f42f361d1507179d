package io.dockhand.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.dockhand.agent.engine.StatsSample;
import io.dockhand.agent.watch.EngineWatch;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientResponse;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;

import com.fasterxml.jackson.core.type.TypeReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's HTTP behaviour over a real socket, with an engine in memory. The test client calls from 127.0.0.1,
 * which the fake engine gives to the container "caller".
 */
@ServerTest
class AgentRoutingTest {

    private static final String CALLER_ID = "c0ffee" + "0".repeat(58);
    private static final String OTHER_ID = "beef00" + "0".repeat(58);
    private static final String TOKEN = "operator-secret";
    private static final FakeEngine ENGINE = new FakeEngine();
    private static final EngineWatch WATCH = new EngineWatch(ENGINE, Duration.ofMinutes(10));

    static {
        ENGINE.add(CALLER_ID, "caller", "appnet", "127.0.0.1");
        ENGINE.add(OTHER_ID, "other", "appnet", "10.9.9.9");
        ENGINE.samples.put(CALLER_ID, new StatsSample(Instant.now(), 2_000_000_000L, 20_000_000_000L,
                1_500_000_000L, 19_000_000_000L, 2, 1234, 5678));
        WATCH.start();
    }

    private final Http1Client client;

    AgentRoutingTest(Http1Client client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        Main.routing(routing, ENGINE, WATCH, new AgentConfig(null, TOKEN, Duration.ofSeconds(1), Duration.ofMinutes(10)));
    }

    @BeforeEach
    void awaitTheCallersStatsStream() throws InterruptedException {
        for (int i = 0; i < 50 && WATCH.usage(CALLER_ID).isEmpty(); i++) {
            Thread.sleep(100);
        }
    }

    @AfterEach
    void switchOn() {
        ENGINE.down = false;
    }

    @Test
    void answersTheCallerWithItsOwnFactsAndUsage() {
        Map<String, Object> self = json(get("/v1/self", null), 200);
        assertThat(self).containsEntry("containerId", CALLER_ID).containsEntry("name", "caller")
                .containsEntry("image", "example/app:1").containsEntry("node", "node-1")
                .containsEntry("state", "running").containsEntry("createdAt", "2026-01-01T00:00:00Z")
                .containsEntry("labels", Map.of("tier", "web")).containsEntry("networks", Map.of("appnet", "127.0.0.1"))
                .containsEntry("cpuPercent", 100.0).containsEntry("memoryBytes", 1234)
                .containsEntry("memoryLimitBytes", 5678).containsKey("observedAt")
                .doesNotContainKeys("service", "task", "nodeId");
    }

    @Test
    void legacyInfoAnswersOnlyAboutTheCaller() {
        assertThat(json(get("/info/caller", null), 200)).containsEntry("containerId", CALLER_ID);
        assertThat(json(get("/info/" + CALLER_ID.substring(0, 12), null), 200)).containsEntry("name", "caller");
        assertThat(json(get("/info/" + CALLER_ID, null), 200)).containsEntry("name", "caller");
        assertProblem(get("/info/other", null), 403);
        assertProblem(get("/info/" + OTHER_ID.substring(0, 12), null), 403);
        assertProblem(get("/info/nosuchthing", null), 403);
    }

    @Test
    void operatorTokenLiftsTheRestrictionAndUnknownContainersAre404() {
        assertThat(json(get("/info/other", TOKEN), 200)).containsEntry("containerId", OTHER_ID);
        assertProblem(get("/info/nosuchthing", TOKEN), 404);
        assertProblem(get("/info/other", "not-the-token"), 401);
    }

    @Test
    void refusesACallerThatIsNotAContainerOnTheNode() {
        ENGINE.remove(CALLER_ID);
        try {
            assertProblem(get("/v1/self", null), 403);
            assertProblem(get("/info/caller", null), 403);
            assertProblem(get("/v1/node", null), 403);
            assertThat(json(get("/v1/node", TOKEN), 200)).containsEntry("hostname", "node-1");
        } finally {
            ENGINE.add(CALLER_ID, "caller", "appnet", "127.0.0.1");
        }
    }

    @Test
    void answersFromRememberedFactsWhileTheEngineIsAliveAndAsksItOtherwise() throws Exception {
        assertThat(json(get("/v1/self", null), 200)).containsEntry("containerId", CALLER_ID);
        int inspections = ENGINE.inspections.get();
        ENGINE.sample(CALLER_ID, ENGINE.samples.get(CALLER_ID));
        assertThat(json(get("/v1/self", null), 200)).containsEntry("containerId", CALLER_ID);
        assertThat(ENGINE.inspections.get()).as("answered from memory").isEqualTo(inspections);

        Thread.sleep(3_500); // no sample for longer than the live window: the engine is not proven alive
        assertThat(json(get("/v1/self", null), 200)).containsEntry("containerId", CALLER_ID);
        assertThat(ENGINE.inspections.get()).as("asked the engine").isEqualTo(inspections + 1);
    }

    @Test
    void answers503WhileTheEngineIsDownAndRecovers() {
        ENGINE.down = true;
        Http1ClientResponse down = get("/v1/self", null);
        assertThat(down.headers().first(HeaderNames.RETRY_AFTER)).contains("1");
        assertProblem(down, 503);
        assertProblem(get("/v1/node", TOKEN), 503);
        ENGINE.down = false;
        assertThat(json(get("/v1/self", null), 200)).containsEntry("containerId", CALLER_ID);
    }

    @Test
    void unknownPathsAndMethodsAreProblems() {
        assertProblem(get("/v2/anything", null), 404);
        Http1ClientResponse post = client.method(Method.POST).path("/v1/self").request();
        assertThat(post.headers().first(HeaderNames.ALLOW)).contains("GET");
        assertProblem(post, 405);
    }

    @Test
    void tellsItsVersionAndNode() {
        assertThat(json(get("/v1/version", null), 200)).containsEntry("name", "dockhand-agent").containsKey("version");
        assertThat(json(get("/v1/node", null), 200)).containsEntry("hostname", "node-1").containsEntry("cpus", 2)
                .containsEntry("engineVersion", "20.10.24");
    }

    private Http1ClientResponse get(String path, String token) {
        var request = client.get(path);
        if (token != null) {
            request.header(HeaderNames.AUTHORIZATION, "Bearer " + token);
        }
        return request.request();
    }

    private static Map<String, Object> json(Http1ClientResponse response, int status) {
        String body = response.as(String.class);
        assertThat(response.status().code()).as(body).isEqualTo(status);
        try {
            return Json.MAPPER.readValue(body, new TypeReference<>() { });
        } catch (Exception e) {
            throw new AssertionError("Not JSON: " + body, e);
        }
    }

    private static void assertProblem(Http1ClientResponse response, int status) {
        assertThat(response.headers().contentType().map(Object::toString)).hasValueSatisfying(
                type -> assertThat(type).startsWith(Problem.MEDIA_TYPE));
        Map<String, Object> problem = json(response, status);
        assertThat(problem).containsEntry("status", status).containsKeys("type", "title", "detail", "instance");
    }
}
