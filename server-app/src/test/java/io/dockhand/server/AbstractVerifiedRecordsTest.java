package io.dockhand.server;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.dockhand.server.databases.Directories;
import io.dockhand.server.databases.TestDatabase;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.dockhand.server.AbstractBadInputTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record says where it came from: verified when posted with the cluster token (by an agent), else not. Runs on
 * each database the store supports (the subclasses).
 */
abstract class AbstractVerifiedRecordsTest {
    private static final String TOKEN = "cluster-token-for-tests";
    private static Path dir;
    private static StoreServer server;
    private static Http http;

    @BeforeAll
    static void start(TestDatabase database) throws Exception {
        dir = Files.createTempDirectory("dockhand-verified");
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Map<String, String> store = new HashMap<>(database.storeConfig());
        store.put("tokenfile", tokenFile.toString());
        server = StoreServer.start(StoreServerExtension.config(store));
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        Directories.deleteTree(dir);
    }

    private static Http.Answer post(String path, String body, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(http.base() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request);
    }

    @Test
    void marksARecordPostedWithTheClusterTokenVerified() {
        Http.Answer answer = post("/api/v1/records", Records.json(Records.containerId(), Instant.now()),
                                  "Bearer " + TOKEN);
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("verified").asBoolean()).isTrue();
        String id = answer.json().get("id").asText();
        assertThat(http.get("/api/v1/records/" + id).json().get("verified").asBoolean()).isTrue();
        Http.Answer legacy = post("/service", "{\"id\":\"" + Records.containerId() + "\"}", "Bearer " + TOKEN);
        assertThat(legacy.json().get("verified").asBoolean()).isTrue();
    }

    @Test
    void keepsARecordPostedWithoutTokenAsReportedButUnverified() {
        Http.Answer answer = post("/api/v1/records", Records.json(Records.containerId(), Instant.now()), null);
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("verified").asBoolean()).isFalse();
    }

    @Test
    void refusesAWrongTokenAndAClientThatClaimsVerification() {
        assertProblem(post("/api/v1/records", Records.json(Records.containerId(), Instant.now()), "Bearer nope"),
                      401, "bad-token", "cluster's token");
        String claims = "{\"containerId\":\"" + Records.containerId() + "\",\"observedAt\":\"" + Instant.now()
                + "\",\"verified\":true}";
        assertProblem(post("/api/v1/records", claims, null), 422, "invalid-record", "'verified'");
    }
}
