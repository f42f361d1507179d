package io.dockhand.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * The agent against the real engine: labelled containers on a user network call it through their gateway, as
 * they would call their node's agent, while it runs in this JVM listening on all addresses.
 */
class AgentIT {

    private static final String TOKEN = "it-operator-" + UUID.randomUUID();
    private static final String SECRET = "it-secret-" + UUID.randomUUID();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @RegisterExtension
    static final DockerFixture DOCKER = new DockerFixture();

    private static AgentServer agent;
    private static AgentCalls calls;
    private static String network;
    private static String busy;
    private static String idle;

    @BeforeAll
    static void start() {
        network = "dockhand-agent-it-" + RUN;
        String gateway = DOCKER.network(network);
        List<String> env = List.of("DOCKHAND_IT_SECRET=" + SECRET);
        busy = DOCKER.run("agent-it-busy-" + RUN, network, Map.of("role", "busy"), env,
                "sh", "-c", "while :; do :; done");
        idle = DOCKER.run("agent-it-idle-" + RUN, network, Map.of("role", "idle"), env, "sleep", "600");
        agent = AgentServer.start(Config.just(ConfigSources.create(Map.of(
                "server.port", "0",
                "server.host", "0.0.0.0",
                "agent.token", TOKEN,
                "agent.refresh.interval", "PT1S"))));
        calls = new AgentCalls(DOCKER, gateway, agent.port());
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void answersACallerWithItsOwnFacts() throws Exception {
        Map<String, Object> self = onceMeasured(idle);

        var inspected = DOCKER.docker().inspectContainerCmd(idle).exec();
        var info = DOCKER.docker().infoCmd().exec();
        assertThat(self).containsEntry("containerId", idle).containsEntry("name", "agent-it-idle-" + RUN)
                .containsEntry("image", DockerFixture.IMAGE).containsEntry("imageId", inspected.getImageId())
                .containsEntry("state", "running").containsEntry("node", info.getName())
                .containsKeys("memoryBytes", "memoryLimitBytes", "observedAt")
                .doesNotContainKeys("service", "task");
        assertThat(Instant.parse(self.get("createdAt").toString())).isEqualTo(Instant.parse(inspected.getCreated()));
        assertThat(stringMap(self.get("labels"))).containsEntry("role", "idle")
                .containsEntry(DockerFixture.LABEL, DockerFixture.LABEL_VALUE);
        assertThat(stringMap(self.get("networks"))).containsOnly(
                Map.entry(network, inspected.getNetworkSettings().getNetworks().get(network).getIpAddress()));
        assertThat(((Number) self.get("memoryBytes")).longValue()).isPositive();
        assertThat(((Number) self.get("memoryLimitBytes")).longValue()).isPositive();
        assertThat(Instant.parse(self.get("observedAt").toString())).isCloseTo(Instant.now(),
                org.assertj.core.api.Assertions.within(Duration.ofSeconds(30)));
    }

    @Test
    void legacyInfoAnswersOnlyAboutTheCaller() throws Exception {
        assertThat(calls.fromContainer(idle, "/info/agent-it-idle-" + RUN, null).json())
                .containsEntry("containerId", idle);
        assertThat(calls.fromContainer(idle, "/info/" + idle.substring(0, 12), null).json())
                .containsEntry("containerId", idle);
        assertThat(calls.fromContainer(idle, "/info/" + idle, null).status()).isEqualTo(200);

        calls.fromContainer(idle, "/info/agent-it-busy-" + RUN, null).assertProblem(403);
        calls.fromContainer(idle, "/info/" + busy.substring(0, 12), null).assertProblem(403);
        calls.fromContainer(idle, "/info/no-such-container-" + RUN, null).assertProblem(403);
    }

    @Test
    void refusesCallersThatAreNotContainersOnTheNode() throws Exception {
        calls.fromHost("/v1/self", null).assertProblem(403);
        calls.fromHost("/info/" + idle, null).assertProblem(403);
        calls.fromHost("/v1/node", null).assertProblem(403);
        assertThat(calls.fromHost("/v1/node", TOKEN).json())
                .containsEntry("hostname", DOCKER.docker().infoCmd().exec().getName());
    }

    @Test
    void operatorTokenLiftsTheRestrictionAndUnknownContainersAre404() throws Exception {
        assertThat(calls.fromHost("/info/agent-it-busy-" + RUN, TOKEN).json()).containsEntry("containerId", busy);
        calls.fromHost("/info/no-such-container-" + RUN, TOKEN).assertProblem(404);
        calls.fromHost("/info/" + busy, "not-the-token").assertProblem(401);
    }

    @Test
    void tellsContainersAboutTheirNode() throws Exception {
        AgentCalls.Answer answer = calls.fromContainer(busy, "/v1/node", null);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).contains("application/json");
        var info = DOCKER.docker().infoCmd().exec();
        Map<String, Object> node = answer.json();
        assertThat(node).containsEntry("hostname", info.getName()).containsEntry("cpus", info.getNCPU())
                .containsEntry("engineVersion", info.getServerVersion()).containsKey("observedAt");
        assertThat(((Number) node.get("memoryBytes")).longValue()).isEqualTo(info.getMemTotal());
        assertThat((Integer) node.get("containersRunning")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void tellsItsNameAndVersionToAnyone() throws Exception {
        for (AgentCalls.Answer answer : List.of(calls.fromHost("/v1/version", null),
                calls.fromContainer(idle, "/v1/version", null))) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.header("Content-Type")).contains("application/json");
            assertThat(answer.json()).containsOnly(Map.entry("name", "dockhand-agent"),
                    Map.entry("version", System.getProperty("dockhand.agent.version")));
        }
    }

    @Test
    void answersUnknownPathsWith404AndOtherMethodsWith405Problems() throws Exception {
        for (String path : List.of("/v2/anything", "/", "/info", "/info/", "/info/a/b", "/v1/self/more",
                "/v1/records")) {
            assertThat(calls.fromHost(path, null).assertProblem(404)).containsEntry("instance", path);
        }
        calls.fromContainer(idle, "/v1/nothing-here", null).assertProblem(404);
        calls.fromHost("POST", "/v2/anything", null).assertProblem(404);

        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            for (String path : List.of("/v1/self", "/v1/node", "/v1/version", "/info/" + idle)) {
                AgentCalls.Answer answer = calls.fromHost(method, path, null);
                assertThat(answer.assertProblem(405)).containsEntry("instance", path);
                assertThat(answer.header("Allow")).as(method + " " + path).hasValue("GET, HEAD");
            }
        }
    }

    @Test
    void answersMalformedPercentEncodingWith400Problems() throws Exception {
        // request target -> the instance (its path, as sent) and the part the detail names (for a query, Helidon's
        // own message says what is wrong with it)
        Map<String, List<String>> targets = Map.of(
                "/v1/self?x=%zz", List.of("/v1/self", "query"),
                "/v1/self?x=%", List.of("/v1/self", "query"),
                "/info/%zz", List.of("/info/%zz", "path"),
                "/v1/self%2", List.of("/v1/self%2", "path"),
                "/info/%zz?q=1", List.of("/info/%zz", "path"));
        for (var target : targets.entrySet()) {
            AgentCalls.Answer answer = calls.raw(target.getKey());
            Map<String, Object> problem = answer.assertProblem(400);
            assertThat(problem).as(target.getKey()).containsEntry("type", "/problems/bad-request")
                    .containsEntry("title", "Bad request").containsEntry("instance", target.getValue().get(0));
            assertThat(problem.get("detail").toString()).as(target.getKey())
                    .startsWith("The request").containsIgnoringCase(target.getValue().get(1))
                    .containsPattern("percent-encoding|% encoding")
                    .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("\n");
        }
        // The connection it refused does not keep the agent from answering the next one.
        assertThat(calls.raw("/v1/version").status()).isEqualTo(200);
        assertThat(calls.raw("/info/%41gent").assertProblem(403)).containsEntry("instance", "/info/Agent");
    }

    @Test
    void neverRevealsEnvironmentValues() throws Exception {
        List<AgentCalls.Answer> answers = new ArrayList<>();
        answers.add(calls.fromContainer(busy, "/v1/self", null));
        answers.add(calls.fromContainer(busy, "/info/" + busy, null));
        answers.add(calls.fromContainer(busy, "/v1/node", null));
        answers.add(calls.fromContainer(busy, "/info/" + idle, null));
        answers.add(calls.fromHost("/info/" + idle, TOKEN));
        answers.add(calls.fromHost("/v1/self", null));

        assertThat(answers).allSatisfy(a -> assertThat(a.body()).doesNotContain(SECRET)
                .doesNotContain("DOCKHAND_IT_SECRET").doesNotContain("while :"));
    }

    @Test
    void readsAboutOneCoreForABusyContainerAndAboutNothingForAnIdleOne() throws Exception {
        // The stats stream needs two engine samples (about 2 s) before the first figure; poll a little longer.
        Double busyCpu = cpuOnceMeasured(busy, 70, 130);
        Double idleCpu = cpuOnceMeasured(idle, 0, 5);

        assertThat(busyCpu).isBetween(70.0, 130.0);
        assertThat(idleCpu).isBetween(0.0, 5.0);
    }

    private static Double cpuOnceMeasured(String container, double low, double high) throws Exception {
        Double last = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Object cpu = calls.fromContainer(container, "/v1/self", null).json().get("cpuPercent");
            last = cpu == null ? null : ((Number) cpu).doubleValue();
            if (last != null && last >= low && last <= high) {
                return last;
            }
            Thread.sleep(500);
        }
        return last;
    }

    /** The caller's facts once its stats stream has delivered a sample (the first comes a second or two in). */
    private static Map<String, Object> onceMeasured(String container) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, Object> self;
        do {
            AgentCalls.Answer answer = calls.fromContainer(container, "/v1/self", null);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.header("Content-Type")).contains("application/json");
            self = answer.json();
            if (self.containsKey("memoryBytes")) {
                return self;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return self;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringMap(Object value) {
        return (Map<String, Object>) value;
    }
}
