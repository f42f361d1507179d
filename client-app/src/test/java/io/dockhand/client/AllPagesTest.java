package io.dockhand.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --all} against a store whose pages never end: it prints as it goes and stops with a reason. */
@Timeout(60)
class AllPagesTest {
    @TempDir
    Path home;
    private TinyServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private Cli.Result getAll(TinyServer.Handler handler, String... args) throws IOException {
        server = TinyServer.start(handler);
        Map<String, String> env = new HashMap<>();
        env.put("DOCKHAND_SERVER", server.url());
        String[] line = new String[args.length + 2];
        line[0] = "get";
        line[1] = "--all";
        System.arraycopy(args, 0, line, 2, args.length);
        return Cli.run(Cli.session(env, "", home), line);
    }

    /** A page of one record, numbered after the cursor asked for, pointing at {@code next}. */
    private static String page(String target, String next) {
        String n = target.contains("cursor=") ? target.replaceAll(".*cursor=([^&]*).*", "$1") : "first";
        return "{\"items\":[{\"id\":\"r-" + n + "\",\"containerId\":\"c\",\"observedAt\":\"2026-11-22T10:15:00Z\"}],"
                + "\"nextCursor\":" + (next == null ? "null" : "\"" + next + "\"") + "}";
    }

    private static JsonNode json(String text) throws IOException {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void aCursorChainThatNeverEndsStopsAfterTheMostPages() throws IOException {
        Cli.Result all = getAll((target, out) -> TinyServer.answer(out, 200, "application/json",
                page(target, "c" + server.targets().size())));

        assertThat(all.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(all.err()).isEqualTo("error: --all stopped after 1000 pages (1000 records), the most one listing "
                + "fetches; narrow it with --since, --node, --container or --image\n");
        assertThat(all.out().lines()).hasSize(1 + 1000).last().asString().startsWith("r-c999");
        assertThat(server.targets()).hasSize(1000);
    }

    @Test
    void aRepeatedCursorStopsAll() throws IOException {
        Cli.Result all = getAll((target, out) -> TinyServer.answer(out, 200, "application/json",
                page(target, "same")));

        assertThat(all.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(all.err()).isEqualTo("error: --all stopped after 2 records: the server sent the same cursor twice, "
                + "so its pages would not end\n");
        assertThat(all.out().lines()).hasSize(1 + 2);
        assertThat(server.targets()).hasSize(2);
    }

    @Test
    void asJsonItIsOneValidDocumentNamingWhereItStopped() throws IOException {
        Cli.Result all = getAll((target, out) -> TinyServer.answer(out, 200, "application/json",
                page(target, "same")), "--format", "json");

        assertThat(all.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(all.err()).startsWith("error: --all stopped after 2 records");
        JsonNode document = json(all.out());
        assertThat(document.get("items")).extracting(item -> item.get("id").asText())
                .containsExactly("r-first", "r-same");
        assertThat(document.get("nextCursor").asText()).isEqualTo("same");
    }

    @Test
    void eachPageIsPrintedAsItComes() throws IOException {
        TinyServer.Handler secondPageStalls = (target, out) -> {
            if (target.contains("cursor=")) {
                Thread.sleep(120_000);
            }
            TinyServer.answer(out, 200, "application/json", page(target, "p2"));
        };
        Cli.Result table = getAll(secondPageStalls, "--timeout", "500ms");

        assertThat(table.code()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(table.err()).startsWith("error: cannot reach the server: timed out");
        assertThat(table.out().lines()).hasSize(2).last().asString().startsWith("r-first");

        server.close();
        Cli.Result json = getAll(secondPageStalls, "--timeout", "500ms", "--format", "json");

        assertThat(json.code()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(json(json.out()).get("items")).hasSize(1);
        assertThat(json(json.out()).get("nextCursor").asText()).isEqualTo("p2");
    }

    @Test
    void aCompleteListingEndsWithANullCursor() throws IOException {
        Cli.Result all = getAll((target, out) -> TinyServer.answer(out, 200, "application/json",
                page(target, target.contains("cursor=") ? null : "p2")), "--format", "json");

        assertThat(all.code()).isZero();
        assertThat(all.err()).isEmpty();
        assertThat(json(all.out()).get("items")).hasSize(2);
        assertThat(json(all.out()).get("nextCursor").isNull()).isTrue();
    }
}
