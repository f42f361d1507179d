package io.dockhand.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import io.dockhand.server.StoreServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code run} says when the real store refuses the upload: too large, or no live node to take it. */
class UploadLimitTest {
    private static final String TOKEN = "limit-test-token";

    @TempDir
    static Path dir;
    static StoreServer store;

    @BeforeAll
    static void startStore() {
        store = Stores.start(dir.resolve("store"), "127.0.0.1", Map.of("store.token", TOKEN,
                                                                       "store.runs.maxcontext", "1m"));
    }

    @AfterAll
    static void stopStore() {
        if (store != null) {
            store.close();
        }
    }

    private static Cli.Result run(Path folder) {
        return Cli.run(Cli.session(Map.of("DOCKHAND_SERVER", "http://127.0.0.1:" + store.port(),
                                          "DOCKHAND_TOKEN", TOKEN), "", dir), "run", folder.toString());
    }

    private static Path folder(int bytes) throws IOException {
        Path folder = Files.createTempDirectory(dir, "app");
        Files.writeString(folder.resolve("Dockerfile"), "FROM dockhand/debian:bookworm\n");
        byte[] data = new byte[bytes];
        new Random(1).nextBytes(data);
        Files.write(folder.resolve("data.bin"), data);
        return folder;
    }

    @Test
    void noLiveNodeIsTheStoresProblemOnOneLine() throws Exception {
        Cli.Result run = run(folder(10));

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: No live node").hasLineCount(1);
    }

    @Test
    void aContextOverTheStoresLimitIsItsProblemOnOneLine() throws Exception {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + store.port()
                        + "/api/v1/nodes/limit-node")).header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"hostname\":\"h\",\"role\":\"worker\",\"cpus\":2,\"memoryBytes\":1073741824,\"leases\":[]}"))
                        .build(), HttpResponse.BodyHandlers.discarding());

        Cli.Result run = run(folder(3 << 20));

        assertThat(run.code()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).hasLineCount(1).startsWith("error: ");
        assertThat(run.err()).startsWith("error: Payload too large: The build context is larger");
    }
}
