package io.dockhand.client;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command against the real store (in this JVM) and an agent that follows the agent's contract. */
class CommandsTest extends LiveServices {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text);
    }

    @Test
    void postStoresTheAgentsFactsAndPrintsIdAndSummary() throws Exception {
        Cli.Result post = client("post");

        assertThat(post.code()).isZero();
        assertThat(post.err()).isEmpty();
        assertThat(post.out()).matches("(?s)" + UUID + "  " + containerId.substring(0, 12)
                + " web-1 \\(nginx:1\\.27\\) on node-1: running, cpu 1\\.50%, mem 12\\.0MiB, observed \\S+Z\\n");
        String id = post.out().substring(0, 36);
        JsonNode stored = json(client("get", id, "--format", "json").out());
        assertThat(stored.get("containerId").asText()).isEqualTo(containerId);
        assertThat(stored.get("task").asText()).isEqualTo("web.1.abc");
        JsonNode byShortId = json(client("get", id.substring(0, 8), "--format", "json").out());
        assertThat(byShortId.get("id").asText()).isEqualTo(id);
    }

    @Test
    void postAsJsonPrintsTheStoredRecord() throws Exception {
        Cli.Result post = client("post", "--format", "json");

        assertThat(post.code()).isZero();
        JsonNode stored = json(post.out());
        assertThat(stored.get("id").asText()).matches(UUID);
        assertThat(stored.get("receivedAt").asText()).isNotEmpty();
        assertThat(stored.get("containerId").asText()).isEqualTo(containerId);
    }

    @Test
    void postEveryRepeatsWithANewRecordEachTime() {
        Cli.Result post = client("post", "--every", "100ms", "--count", "3");

        assertThat(post.code()).isZero();
        List<String> lines = post.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.stream().map(l -> l.substring(0, 36)).distinct()).hasSize(3);
        assertThat(client("get", "--container", containerId).out().lines()).hasSize(1 + 3);
    }

    @Test
    void getListsRecordsNewestFirstAsATable() {
        client("post");
        String second = agent.container("api-1", "python:3.13", "node-2");
        client("post");

        Cli.Result get = client("get", "--limit", "2");

        assertThat(get.code()).isZero();
        List<String> lines = get.out().lines().toList();
        assertThat(lines.get(0)).matches("ID +CONTAINER +NAME +IMAGE +NODE +STATE +CPU% +MEM +VERIFIED +OBSERVED");
        assertThat(lines.get(1)).startsWith(lines.get(1).substring(0, 8)).contains(second.substring(0, 12) + "  api-1")
                .contains("python:3.13").contains("node-2").contains("running").contains("1.50").contains("12.0MiB");
        assertThat(lines.get(2)).contains(containerId.substring(0, 12) + "  web-1");
        assertThat(get.err()).contains("more: add --all, or a larger --limit");
    }

    @Test
    void getFiltersByContainerNodeImageAndSince() {
        client("post");
        client("post");
        String other = agent.container("db-1", "postgres:17", "node-3");
        client("post");

        assertThat(client("get", "--container", containerId.substring(0, 12)).out().lines()).hasSize(3);
        assertThat(client("get", "--node", "node-3").out().lines()).hasSize(2)
                .last().asString().contains(other.substring(0, 12));
        assertThat(client("get", "--image", "postgres:17", "--since", "1m").out().lines()).hasSize(2);
        assertThat(client("get", "--image", "postgres:17", "--since", "2999-01-01T00:00:00Z").out().lines())
                .hasSize(1);
    }

    @Test
    void getAllFollowsEveryPage() throws Exception {
        for (int i = 0; i < 3; i++) {
            client("post");
        }
        Cli.Result all = client("get", "--container", containerId, "--all", "--format", "json");

        assertThat(all.code()).isZero();
        JsonNode page = json(all.out());
        assertThat(page.get("items")).hasSize(3);
        assertThat(page.get("nextCursor").isNull()).isTrue();
        assertThat(client("get", "--container", containerId, "--limit", "1", "--format", "json").out())
                .contains("\"nextCursor\" : \"");
    }

    @Test
    void getWithAnIdShowsTheRecordInFull() {
        String id = client("post").out().substring(0, 36);

        Cli.Result full = client("get", id);
        Cli.Result byPrefix = client("get", id.substring(0, 8));

        assertThat(full.code()).isZero();
        assertThat(full.out()).contains("id                ").contains(id)
                .contains("containerId       " + containerId)
                .contains("memoryBytes       12.0MiB (12582912)")
                .contains("labels            com.docker.swarm.service.name=web\n                  tier=front")
                .contains("networks          dockhand_default=10.0.1.7");
        assertThat(byPrefix.out()).isEqualTo(full.out());
    }

    @Test
    void getOfAnUnknownIdIsAnErrorNamingTheUrl() {
        String unknown = "00000000-0000-0000-0000-000000000000";
        Cli.Result get = client("get", unknown);

        assertThat(get.code()).isEqualTo(1);
        assertThat(get.out()).isEmpty();
        assertThat(get.err()).startsWith("error: ").contains("(GET http://127.0.0.1:" + store.port()
                + "/api/v1/records/" + unknown + ")").hasLineCount(1);
    }

    @Test
    void containersShowsTheLatestRecordOfEachContainer() {
        client("post");
        client("post");
        Cli.Result containers = client("containers", "--container", containerId);

        assertThat(containers.code()).isZero();
        assertThat(containers.out().lines()).hasSize(2);
        assertThat(containers.out()).contains(containerId.substring(0, 12));
    }

    @Test
    void statusNamesEachAddressWithItsVersion() {
        Cli.Result status = client("status");

        assertThat(status.code()).isZero();
        assertThat(status.out()).containsPattern("server +http://127\\.0\\.0\\.1:" + store.port()
                + " +127\\.0\\.0\\.1 +dockhand-server \\S+ +ok")
                .containsPattern("agent +" + agent.url() + " +127\\.0\\.0\\.1 +dockhand-agent test +ok");
    }

    @Test
    void statusExitsWith3WhenNoServerAnswers() throws Exception {
        Map<String, String> env = env();
        env.put("DOCKHAND_SERVER", "http://127.0.0.1:" + Stores.closedPort());
        Cli.Result status = client(env, "status", "--format", "json");

        assertThat(status.code()).isEqualTo(3);
        JsonNode json = json(status.out());
        assertThat(json.at("/server/0/ok").asBoolean()).isFalse();
        assertThat(json.at("/server/0/error").asText()).isEqualTo("connection refused");
        assertThat(json.at("/agent/0/version").asText()).isEqualTo("dockhand-agent test");
    }

    @Test
    void anUnreachableServerExitsWith3NamingTheUrls() throws Exception {
        int a = Stores.closedPort();
        int b = Stores.closedPort();
        Cli.Result get = client("get", "--server", "http://127.0.0.1:" + a + ",127.0.0.1:" + b, "--timeout", "1s");

        assertThat(get.code()).isEqualTo(3);
        assertThat(get.err()).isEqualTo("error: cannot reach the server: connection refused, gave up after 1s "
                + "(GET http://127.0.0.1:" + a + "/api/v1/records?limit=20, http://127.0.0.1:" + b
                + "/api/v1/records?limit=20)\n");
    }

    @Test
    void anAgentThatDoesNotAnswerInTimeExitsWith3() {
        agent.stall(java.time.Duration.ofSeconds(3));
        try {
            Cli.Result post = client("post", "--timeout", "500ms");

            assertThat(post.code()).isEqualTo(3);
            assertThat(post.err()).startsWith("error: cannot reach the agent: timed out")
                    .contains(agent.url() + "/v1/self");
        } finally {
            agent.stall(java.time.Duration.ZERO);
        }
    }

    @Test
    void aProblemFromTheAgentIsOneLineWithTitleDetailAndUrl() {
        agent.fail(403, "Forbidden", "The caller is not a container on this node.");
        Cli.Result post = client("post");

        assertThat(post.code()).isEqualTo(1);
        assertThat(post.err()).isEqualTo("error: Forbidden: The caller is not a container on this node. (GET "
                + agent.url() + "/v1/self)\n");
    }

    @Test
    void verboseAddsTheTrace() {
        agent.fail(403, "Forbidden", "Not a container.");
        Cli.Result post = client("post", "--verbose");

        assertThat(post.code()).isEqualTo(1);
        assertThat(post.err()).startsWith("error: Forbidden").contains("ProblemException").contains("\tat ");
    }

    @Test
    void badUsageExitsWith2() {
        assertThat(client("get", "--limit", "0").code()).isEqualTo(2);
        assertThat(client("get", "--format", "xml").err()).contains("--format").contains("use table or json");
        Cli.Result unknown = client("pots");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("error: Unmatched argument at index 0: 'pots' (did you mean post or deployments?) "
                + "(see 'dockhand --help')" + System.lineSeparator());
        assertThat(client("post", "--count", "2").err()).startsWith("error: --count needs --every");
        assertThat(client("--server", "ftp://x", "status").code()).isEqualTo(2);
    }

    @Test
    void aUsageErrorIsOneLineOnStderrNamingTheHelpOfItsCommand() {
        Cli.Result usage = client("get", "--limit");

        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.out()).isEmpty();
        assertThat(usage.err()).isEqualTo("error: Missing required parameter for option '--limit' (N) "
                + "(see 'dockhand get --help')" + System.lineSeparator());
    }

    @Test
    void theDefaultAgentIsTheDefaultGatewayOnPort5002() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("no-route-table"), """
                Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
                eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0
                eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
                """);
        try {
            Map<String, String> env = env();
            env.remove("DOCKHAND_AGENT");
            Cli.Result status = client(env, "status", "--timeout", "500ms");

            assertThat(status.out()).contains("agent    http://172.17.0.1:5002");
        } finally {
            java.nio.file.Files.delete(dir.resolve("no-route-table"));
        }
    }

    @Test
    void colourOnlyForATerminalAndNeverWithNoColor() {
        client("post");
        Map<String, String> env = env();
        Session terminal = Cli.session(env, "", dir).withColour(true);
        assertThat(Cli.run(terminal, "get", "--limit", "1").out()).contains("\u001b[1mID");
        env.put("NO_COLOR", "1");
        assertThat(Cli.run(Cli.session(env, "", dir).withColour(true), "get", "--limit", "1").out())
                .doesNotContain("\u001b[");
        assertThat(client("get", "--limit", "1").out()).doesNotContain("\u001b[");
    }

    @Test
    void pipedLinesRunWithoutAPrompt() {
        String lines = """
                # a comment, then a blank line

                post
                get --container %s --format json
                exit
                status
                """.formatted(containerId);
        Cli.Result run = Cli.run(Cli.session(env(), lines, dir));

        assertThat(run.code()).isZero();
        assertThat(run.out()).doesNotContain(ClientCommand.PROMPT).doesNotContain("SERVICE");
        assertThat(run.out()).containsPattern("(?s)^" + UUID + "  " + containerId.substring(0, 12) + ".*\"items\"");
    }

    @Test
    void aFailingPipedLineSetsTheExitCodeButTheRestStillRun() {
        Cli.Result run = Cli.run(Cli.session(env(), "get 00000000-0000-0000-0000-000000000000\npost\n", dir));

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: ");
        assertThat(run.out()).contains(containerId.substring(0, 12));
    }

    @Test
    void helpAndVersion() {
        Cli.Result help = client("help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("post").contains("get").contains("containers").contains("status")
                .contains("DOCKHAND_SERVER").contains("3 server or agent unreachable")
                .contains("130 interrupted (Ctrl-C)").startsWith("Usage: dockhand ");
        assertThat(help.err()).isEmpty();
        assertThat(client("get", "--help").out()).startsWith("Usage: dockhand get ");
        assertThat(client("get", "--help").out()).contains("--since").contains("--all");
        assertThat(client("--version").out()).startsWith("dockhand-client ");
    }
}
