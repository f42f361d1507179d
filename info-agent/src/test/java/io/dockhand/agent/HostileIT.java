package io.dockhand.agent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dockhand.web.Routes;
import io.dockhand.web.hostile.HostileCases;
import io.dockhand.web.hostile.HostileRun;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10's hostile suite against a real agent: the packaged jar in its own process ({@code -Xmx128m}) on the
 * Docker engine here, sent cases generated from the agent's own route table. The same invariants as the store's
 * (see io.dockhand.server.HostileIT, whose RSS bound this shares).
 */
class HostileIT {
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
    private static final long MAX_RSS_GROWTH_MIB = 200;

    @Test
    void survivesTheHostileSuite() throws Exception {
        List<Routes.Route> routes;
        try (AgentServer table = AgentServer.start(Config.just(ConfigSources.create(Map.of(
                "server.port", "0", "server.host", "127.0.0.1"))))) {
            routes = table.routes(); // the very route table the jar serves: same classes
        }
        List<HostileCases.Case> cases = HostileCases.of(routes);
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-jar",
                System.getProperty("dockhand.agent.jar", "target/info-agent.jar")).redirectErrorStream(true);
        builder.environment().put("SERVER_PORT", "0");
        builder.environment().put("SERVER_HOST", "127.0.0.1");
        Process agent = builder.start();
        try {
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread pump = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(agent.getInputStream(),
                                                                                  StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            port.complete(Integer.parseInt(m.group(1)));
                        }
                    }
                } catch (java.io.IOException e) {
                    port.completeExceptionally(e);
                }
            }, "agent-log");
            pump.setDaemon(true);
            pump.start();
            int agentPort = port.get(60, TimeUnit.SECONDS);
            long before = HostileRun.rssKib(agent.pid());
            long start = System.nanoTime();
            HostileRun run = new HostileRun(agentPort, 10_000).run(cases);
            long after = HostileRun.rssKib(agent.pid());
            System.out.println(run.summary("agent") + ", " + (System.nanoTime() - start) / 1_000_000 + " ms, RSS "
                    + before / 1024 + " -> " + after / 1024 + " MiB");
            assertThat(run.cases()).isGreaterThanOrEqualTo(1000);
            assertThat(run.failures()).as(run.summary("agent")).isEmpty();
            assertThat((after - before) / 1024).isLessThan(MAX_RSS_GROWTH_MIB);
        } finally {
            agent.destroyForcibly();
            agent.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
