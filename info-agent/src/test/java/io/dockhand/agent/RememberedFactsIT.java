package io.dockhand.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the agent remembers about its callers, against the real engine, reached through a proxy that counts the
 * agent's inspections of each container. A caller's facts come from memory while the engine is demonstrably alive
 * (its event stream open, the caller's stats stream delivering); any event about the container makes the agent read
 * them again; with the event stream or the caller's stats stream cut, every answer costs an inspection.
 */
class RememberedFactsIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String EVENTS = "(/v[0-9.]+)?/events";
    /** Guards against a hang; nothing here measures speed. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    static final DockerFixture DOCKER = new DockerFixture();

    private static Path dir;
    private static EngineProxy engine;
    private static AgentServer agent;
    private static AgentCalls calls;
    private static String network;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("dockhand-agent-it");
        engine = new EngineProxy(dir.resolve("docker.sock"));
        engine.up();
        network = "dockhand-agent-facts-" + RUN;
        String gateway = DOCKER.network(network);
        agent = AgentServer.start(Config.just(ConfigSources.create(Map.of(
                "server.port", "0",
                "server.host", "0.0.0.0",
                "docker.host", engine.dockerHost(),
                "agent.refresh.interval", "PT1S"))));
        calls = new AgentCalls(DOCKER, gateway, agent.port());
    }

    @AfterEach
    void forwardEverything() {
        engine.restore();
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
    void inspectsANewCallerOnceAndThenAnswersItFromMemory() throws Exception {
        String caller = caller("memory");

        Self first = self(caller);
        assertThat(first.facts()).containsEntry("containerId", caller).containsEntry("name", "facts-memory-" + RUN);
        assertThat(first.inspections()).isEqualTo(1);

        Self remembered = awaitAnswerFromMemory(caller);
        assertThat(remembered.facts()).containsEntry("containerId", caller).containsEntry("name", "facts-memory-" + RUN);
    }

    @Test
    void readsTheFactsAgainAfterTheContainerIsRenamed() throws Exception {
        String caller = caller("rename");
        awaitAnswerFromMemory(caller);

        DOCKER.docker().renameContainerCmd(caller).withName("facts-renamed-" + RUN).exec();

        // Answers from memory until the rename event reaches the agent; from then on only the new name.
        awaitSelf(caller, facts -> ("facts-renamed-" + RUN).equals(facts.get("name")));
        for (int i = 0; i < 3; i++) {
            assertThat(self(caller).facts()).containsEntry("name", "facts-renamed-" + RUN);
        }
    }

    @Test
    void readsTheFactsAgainAfterTheContainerJoinsANetwork() throws Exception {
        String caller = caller("connect");
        awaitAnswerFromMemory(caller);
        String second = "dockhand-agent-facts-second-" + RUN;
        DOCKER.network(second);

        DOCKER.docker().connectToNetworkCmd().withNetworkId(second).withContainerId(caller).exec();

        String address = DOCKER.docker().inspectContainerCmd(caller).exec().getNetworkSettings().getNetworks()
                .get(second).getIpAddress();
        Map<String, Object> facts = awaitSelf(caller, f -> networks(f).containsKey(second));
        assertThat(networks(facts)).containsKeys(network, second).containsEntry(second, address);
    }

    @Test
    void inspectsOnEveryCallWhileTheEventStreamIsCutAndAnswersFromMemoryOnceItIsBack() throws Exception {
        String caller = caller("events");
        awaitAnswerFromMemory(caller);
        int refused = engine.refused(EVENTS);

        engine.cut(EVENTS);
        // The agent has noticed once it asks for a new stream (and is refused).
        await(() -> engine.refused(EVENTS) > refused, "the agent to ask for a new event stream");
        for (int i = 0; i < 3; i++) {
            Self self = self(caller);
            assertThat(self.facts()).containsEntry("containerId", caller);
            assertThat(self.inspections()).as("inspections for answer %d", i).isEqualTo(1);
        }

        engine.restore();
        awaitAnswerFromMemory(caller);
    }

    @Test
    void inspectsOnEveryCallWhileTheCallersStatsStreamIsCut() throws Exception {
        String caller = caller("stats");
        awaitAnswerFromMemory(caller);
        String stats = "(/v[0-9.]+)?/containers/" + caller + "/stats";
        int refused = engine.refused(stats);

        engine.cut(stats);
        await(() -> engine.refused(stats) > refused, "the agent to ask for a new stats stream");
        for (int i = 0; i < 3; i++) {
            Self self = self(caller);
            assertThat(self.facts()).containsEntry("containerId", caller);
            assertThat(self.inspections()).as("inspections for answer %d", i).isEqualTo(1);
        }

        engine.restore();
        awaitAnswerFromMemory(caller);
    }

    @Test
    void forgetsWhatItRememberedBeforeTheEventStreamWasCut() throws Exception {
        String caller = caller("gap");
        awaitAnswerFromMemory(caller);
        int refused = engine.refused(EVENTS);
        engine.cut(EVENTS);
        await(() -> engine.refused(EVENTS) > refused, "the agent to ask for a new event stream");

        // The rename event goes nowhere: the agent has no event stream. Nobody asks the agent meanwhile.
        DOCKER.docker().renameContainerCmd(caller).withName("facts-gap-renamed-" + RUN).exec();
        int answered = engine.answered(EVENTS);
        engine.restore();
        await(() -> engine.answered(EVENTS) > answered, "the engine to answer a new event stream");

        assertThat(self(caller).facts()).containsEntry("name", "facts-gap-renamed-" + RUN);
    }

    /** One answer to {@code /v1/self} and the inspections of the caller the agent made for it. */
    private record Self(Map<String, Object> facts, int inspections) {
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> networks(Map<String, Object> facts) {
        return (Map<String, String>) facts.get("networks");
    }

    private static String caller(String role) {
        return DOCKER.run("facts-" + role + "-" + RUN, network, Map.of(), List.of(), "sleep", "600");
    }

    private static Self self(String caller) throws InterruptedException {
        int before = inspections(caller);
        AgentCalls.Answer answer = calls.fromContainer(caller, "/v1/self", null);
        int after = inspections(caller);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return new Self(answer.json(), after - before);
    }

    private static int inspections(String container) {
        return engine.forwarded("(/v[0-9.]+)?/containers/" + container + "/json");
    }

    private static Self awaitAnswerFromMemory(String caller) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        Self self;
        do {
            self = self(caller);
            if (self.inspections() == 0) {
                return self;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("Every answer within " + PATIENCE + " cost an inspection; the last: " + self);
    }

    private static Map<String, Object> awaitSelf(String caller, Predicate<Map<String, Object>> wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        Map<String, Object> facts;
        do {
            facts = self(caller).facts();
            if (wanted.test(facts)) {
                return facts;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("No answer as wanted within " + PATIENCE + "; the last: " + facts);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + PATIENCE + " for " + what);
            }
            Thread.sleep(50);
        }
    }
}
