package io.dockhand.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.dockhand.agent.engine.Attachment;
import io.dockhand.agent.engine.DockerEngine;
import io.dockhand.agent.watch.EngineWatch;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which container owns an address, asked of a watch that is not started (so only the lookups read the engine),
 * against the real engine through a proxy that counts its container listings.
 */
class EngineWatchIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String LISTING = "(/v[0-9.]+)?/containers/json";
    private static final String NOBODY = "192.0.2.1";

    @RegisterExtension
    static final DockerFixture DOCKER = new DockerFixture();

    private static Path dir;
    private static EngineProxy proxy;
    private static DockerEngine engine;
    private static EngineWatch watch;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("dockhand-agent-it");
        proxy = new EngineProxy(dir.resolve("docker.sock"));
        proxy.up();
        engine = DockerEngine.connect(proxy.dockerHost(), Duration.ofSeconds(10));
        watch = new EngineWatch(engine, Duration.ofMinutes(10));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            watch.close();
            engine.close();
        } finally {
            proxy.close();
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aBurstOfMissesCostsTheEngineOneListing() {
        int before = proxy.forwarded(LISTING);
        long askedAt = System.nanoTime();

        for (int i = 0; i < 3; i++) {
            assertThat(watch.owner(NOBODY, askedAt)).isEmpty();
        }
        assertThat(proxy.forwarded(LISTING) - before).isEqualTo(1);

        assertThat(watch.owner(NOBODY, System.nanoTime())).isEmpty();
        assertThat(proxy.forwarded(LISTING) - before).isEqualTo(2);
    }

    @Test
    void findsAContainerByItsAddressOnEachOfItsNetworksUntilItIsGone() {
        String first = "dockhand-agent-watch-" + RUN;
        String second = "dockhand-agent-watch-second-" + RUN;
        DOCKER.network(first);
        DOCKER.network(second);
        String container = DOCKER.run("watch-" + RUN, first, Map.of(), List.of(), "sleep", "600");
        DOCKER.docker().connectToNetworkCmd().withNetworkId(second).withContainerId(container).exec();
        var networks = DOCKER.docker().inspectContainerCmd(container).exec().getNetworkSettings().getNetworks();
        String onFirst = networks.get(first).getIpAddress();
        String onSecond = networks.get(second).getIpAddress();

        assertThat(watch.owner(onFirst, System.nanoTime())).contains(new Attachment(container, first, onFirst));
        assertThat(watch.owner(onSecond, System.nanoTime())).contains(new Attachment(container, second, onSecond));

        DOCKER.docker().removeContainerCmd(container).withForce(true).exec();
        assertThat(watch.ownerAfterRefresh(onFirst, System.nanoTime())).isEmpty();
        assertThat(watch.ownerAfterRefresh(onSecond, System.nanoTime())).isEmpty();
    }
}
