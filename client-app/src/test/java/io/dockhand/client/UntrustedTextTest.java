package io.dockhand.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.dockhand.client.output.SafeText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A store that sends terminal escapes in every string: the client shows them, it never obeys them. */
class UntrustedTextTest {
    /** A window-title change, a bell, a clear screen, a bidi override, a C1 CSI and a forged line, as JSON text. */
    private static final String HOSTILE = "\\u001b]0;owned\\u0007\\u001b[2J\\u202eevil\\u009b31m\\nerror: forged";
    private static final String SHOWN = "\\u001b]0;owned\\u0007\\u001b[2J\\u202eevil\\u009b31m\\nerror: forged";
    private static final String RECORD = """
            {"id":"9d0c6f1e-0000","containerId":"3f2a1b4c5d6e7f","name":"%1$s","image":"%1$s","node":"n1",
             "state":"%1$s","observedAt":"%1$s","labels":{"%1$s":"%1$s"},"%1$s":"x"}""".formatted(HOSTILE);

    @TempDir
    Path home;
    private TinyServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private Cli.Result run(TinyServer.Handler handler, String... args) throws IOException {
        server = TinyServer.start(handler);
        Map<String, String> env = new HashMap<>();
        env.put("DOCKHAND_SERVER", server.url());
        env.put("DOCKHAND_AGENT", "http://127.0.0.1:" + Stores.closedPort());
        return Cli.run(Cli.session(env, "", home), args);
    }

    private static void assertSafe(String printed) {
        assertThat(printed.chars().filter(c -> c != '\n' && SafeText.unsafe(c)))
                .as("characters a terminal would obey in %s", printed).isEmpty();
    }

    @Test
    void aTableShowsEscapesInsteadOfObeyingThem() throws IOException {
        String page = "{\"items\":[" + RECORD + "],\"nextCursor\":null}";
        Cli.Result get = run((target, out) -> TinyServer.answer(out, 200, "application/json", page), "get");

        assertThat(get.code()).isZero();
        assertThat(get.err()).isEmpty();
        assertSafe(get.out());
        assertThat(get.out().lines()).hasSize(2);
        assertThat(get.out()).contains("  " + SHOWN + "  ");
    }

    @Test
    void theDetailViewShowsEscapesInKeysAndValues() throws IOException {
        Cli.Result get = run((target, out) -> TinyServer.answer(out, 200, "application/json", RECORD), "get", "9d0c");

        assertThat(get.code()).isZero();
        assertThat(get.err()).isEmpty();
        assertSafe(get.out());
        assertThat(get.out()).contains("name" + " ".repeat(SHOWN.length() - 2) + SHOWN + "\n")
                .contains(SHOWN + "=" + SHOWN + "\n")
                .contains(SHOWN + "  x\n");
    }

    @Test
    void aProblemCannotForgeASecondErrorLine() throws IOException {
        Cli.Result get = run((target, out) -> TinyServer.answer(out, 404, "application/problem+json",
                "{\"title\":\"Not Found\\u001b[2J\",\"status\":404,\"detail\":\"" + HOSTILE + "\"}"), "get", "x");

        assertThat(get.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(get.out()).isEmpty();
        assertThat(get.err()).isEqualTo("error: Not Found\\u001b[2J: " + SHOWN + " (GET " + server.url()
                + "/api/v1/records/x)\n");
    }

    @Test
    void jsonStaysValidAndCarriesTheSameTextEscaped() throws IOException {
        Cli.Result get = run((target, out) -> TinyServer.answer(out, 200, "application/json", RECORD),
                             "get", "9d0c", "--format", "json");

        assertThat(get.code()).isZero();
        assertThat(get.err()).isEmpty();
        assertSafe(get.out());
        JsonNode printed = new ObjectMapper().readTree(get.out());
        assertThat(printed).isEqualTo(new ObjectMapper().readTree(RECORD));
        assertThat(printed.get("name").asText()).contains("\u001b]0;owned", "\u202e", "\u009b");
    }

    @Test
    void statusShowsWhatAVersionSaysWithoutObeyingIt() throws IOException {
        Cli.Result status = run((target, out) -> TinyServer.answer(out, 200, "application/json",
                "{\"name\":\"" + HOSTILE + "\",\"version\":\"1\"}"), "status");

        assertThat(status.code()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(status.err()).isEmpty();
        assertSafe(status.out());
        assertThat(status.out()).contains(SHOWN + " 1  ok");
    }
}
