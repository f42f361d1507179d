package io.dockhand.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged client against two packaged stores sharing one database, as the stack's replicas do: when one store
 * process is stopped between requests, the client's requests go to the other, and every post is stored once.
 */
class FailoverIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration CLIENT_RUN = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private JarProcess store(String name) throws Exception {
        return JarProcess.server(Map.of("SERVER_PORT", "0",
                                        "SERVER_HOST", "127.0.0.1",
                                        "STORE_DIR", dir.resolve("db").toString(),
                                        "STORE_SHARED", "true"),
                                 dir.resolve(name + ".log"));
    }

    @Test
    void keepsWorkingOnTheOtherStoreWhenOneIsStoppedAndStoresEachPostOnce() throws Exception {
        try (FakeAgent agent = FakeAgent.start();
             JarProcess first = store("first");
             JarProcess second = store("second")) {
            String containerId = agent.containerId();
            String servers = "http://127.0.0.1:" + first.port() + ",http://127.0.0.1:" + second.port();
            Map<String, String> env = Map.of("DOCKHAND_SERVER", servers, "DOCKHAND_AGENT", agent.url());

            Cli.Result before = JarProcess.client(env, "", CLIENT_RUN, "post");
            assertThat(before.code()).as("post before; stderr: %s", before.err()).isZero();

            first.kill();

            Cli.Result after = JarProcess.client(env, "", CLIENT_RUN, "post", "--timeout", "40s");
            assertThat(after.code()).as("post after the first store stopped; stderr: %s", after.err()).isZero();
            assertThat(after.err()).isEmpty();

            Cli.Result get = JarProcess.client(env, "", CLIENT_RUN, "get", "--container", containerId,
                                               "--format", "json");
            assertThat(get.code()).as("get; stderr: %s", get.err()).isZero();
            JsonNode items = MAPPER.readTree(get.out()).get("items");
            List<String> ids = items.findValuesAsText("id");
            assertThat(ids).containsExactlyInAnyOrder(after.out().substring(0, 36), before.out().substring(0, 36));

            Cli.Result status = JarProcess.client(env, "", CLIENT_RUN, "status");
            assertThat(status.code()).isZero();
            assertThat(status.out()).contains("connection refused").contains("ok");

            second.kill();
            Cli.Result none = JarProcess.client(env, "", CLIENT_RUN, "get", "--timeout", "2s");
            assertThat(none.code()).isEqualTo(3);
            assertThat(none.err()).startsWith("error: cannot reach the server: connection refused")
                    .contains("http://127.0.0.1:" + first.port() + "/api/v1/records?limit=20")
                    .contains("http://127.0.0.1:" + second.port() + "/api/v1/records?limit=20")
                    .hasLineCount(1);
        }
    }

    @Test
    void thePackagedClientRunsPipedLinesAndReportsUsageErrors() throws Exception {
        try (FakeAgent agent = FakeAgent.start(); JarProcess store = store("only")) {
            Map<String, String> env = Map.of("DOCKHAND_SERVER", "http://127.0.0.1:" + store.port(),
                                             "DOCKHAND_AGENT", agent.url());

            Cli.Result piped = JarProcess.client(env, "post\ncontainers --container " + agent.containerId() + "\n",
                                                 CLIENT_RUN);
            assertThat(piped.code()).as("stderr: %s", piped.err()).isZero();
            assertThat(piped.out()).contains(agent.containerId().substring(0, 12) + " web-1 (nginx:1.27)")
                    .contains("CONTAINER").doesNotContain(ClientCommand.PROMPT);

            Cli.Result usage = JarProcess.client(env, "", CLIENT_RUN, "get", "--limit");
            assertThat(usage.code()).isEqualTo(2);
            assertThat(usage.out()).isEmpty();
            assertThat(usage.err()).isEqualTo("error: Missing required parameter for option '--limit' (N) "
                    + "(see 'dockhand get --help')" + System.lineSeparator());
        }
    }
}
