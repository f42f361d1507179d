package io.dockhand.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.dockhand.server.AbstractBadInputTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The records API against a real store, as clients use it: storing, finding, listing and paging, filtering,
 * idempotency, the original tool's paths. Runs on each database the store supports (the subclasses).
 */
@ExtendWith(StoreServerExtension.class)
abstract class AbstractRecordsApiTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void storesRecordAndAnswersCreatedWithLocation(Http http) {
        String id = Records.containerId();
        Http.Answer created = http.postJson("/api/v1/records", Records.json(id, T0));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.contentType()).startsWith("application/json");
        JsonNode record = created.json();
        assertThat(record.get("id").asText()).isNotBlank();
        assertThat(record.get("receivedAt").asText()).isNotBlank();
        assertThat(record.get("containerId").asText()).isEqualTo(id);
        assertThat(record.get("labels").get("tier").asText()).isEqualTo("web");
        assertThat(record.get("cpuPercent").asDouble()).isEqualTo(12.5);
        assertThat(created.header("Location")).isEqualTo("/api/v1/records/" + record.get("id").asText());

        Http.Answer fetched = http.get(created.header("Location"));
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json()).isEqualTo(record);
    }

    @Test
    void findsARecordByTheStartOfItsId(Http http) {
        // ids with the top bit set and clear alike: the prefix range must hold for both
        Map<Character, Integer> firstChars = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            String id = http.postJson("/api/v1/records", Records.json(Records.containerId(), T0)).json().get("id")
                    .asText();
            firstChars.merge(id.charAt(0), 1, Integer::sum);
            for (String prefix : new String[] {id.substring(0, 8), id.substring(0, 13), id.substring(0, 20)}) {
                Http.Answer found = http.get("/api/v1/records/" + prefix);
                assertThat(found.status()).as(prefix).isEqualTo(200);
                assertThat(found.json().get("id").asText()).isEqualTo(id);
            }
        }
        // twenty ids, sixteen hex digits: at least two ids share their first character
        char shared = firstChars.entrySet().stream().filter(e -> e.getValue() > 1).findFirst().orElseThrow().getKey();
        assertProblem(http.get("/api/v1/records/" + shared), 400, "ambiguous-record-id", "several");
        assertProblem(http.get("/api/v1/records/00000000-0000-0"), 404, "record-not-found", "0000");
    }

    @Test
    void keepsUnknownFieldsAsSent(Http http) {
        String body = "{\"containerId\":\"%s\",\"observedAt\":\"%s\",\"service\":\"web\",\"custom\":{\"a\":[1,2.5,null]}}"
                .formatted(Records.containerId(), T0);
        JsonNode record = http.postJson("/api/v1/records", body).json();

        assertThat(record.get("service").asText()).isEqualTo("web");
        assertThat(record.get("custom").toString()).isEqualTo("{\"a\":[1,2.5,null]}");
    }

    @Test
    void listsNewestFirstAndPagesThroughEveryRecordWithCursor(Http http) {
        String id = Records.containerId();
        List<String> stored = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            stored.add(http.postJson("/api/v1/records", Records.json(id, T0.plusSeconds(i))).json().get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Http.Answer page = http.get("/api/v1/records?limit=3&containerId=" + id
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            page.json().get("items").forEach(item -> seen.add(item.get("id").asText()));
            JsonNode next = page.json().get("nextCursor");
            cursor = next.isNull() ? null : next.asText();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(stored.reversed());
    }

    @Test
    void pageSizeDefaultsTo100AndGoesUpTo1000(Http http) {
        String node = "limit-node-" + Records.containerId().substring(0, 8);
        for (int i = 0; i < 102; i++) {
            http.postJson("/api/v1/records", Records.json(Records.containerId(), T0.plusSeconds(i), node, "x"));
        }
        JsonNode defaultPage = http.get("/api/v1/records?node=" + node).json();
        assertThat(defaultPage.get("items")).hasSize(100);
        assertThat(defaultPage.get("nextCursor").isNull()).isFalse();
        JsonNode bigPage = http.get("/api/v1/records?limit=1000&node=" + node).json();
        assertThat(bigPage.get("items")).hasSize(102);
        assertThat(bigPage.get("nextCursor").isNull()).isTrue();
    }

    @Test
    void containersPageWithCursorToo(Http http) {
        String node = "paging-node-" + Records.containerId().substring(0, 8);
        List<String> containers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = Records.containerId();
            containers.add(id);
            http.postJson("/api/v1/records", Records.json(id, T0.plusSeconds(i), node, "x"));
        }
        JsonNode first = http.get("/api/v1/containers?limit=3&node=" + node).json();
        JsonNode second = http.get("/api/v1/containers?limit=3&node=" + node + "&cursor="
                                           + first.get("nextCursor").asText()).json();

        List<String> seen = new ArrayList<>();
        first.get("items").forEach(r -> seen.add(r.get("containerId").asText()));
        second.get("items").forEach(r -> seen.add(r.get("containerId").asText()));
        assertThat(seen).containsExactlyElementsOf(containers.reversed());
        assertThat(second.get("nextCursor").isNull()).isTrue();
    }

    @Test
    void filtersByContainerPrefixNodeImageAndTime(Http http) {
        String a = Records.containerId();
        String b = Records.containerId();
        http.postJson("/api/v1/records", Records.json(a, T0, "filter-node-1", "img-a:1"));
        http.postJson("/api/v1/records", Records.json(a, T0.plusSeconds(60), "filter-node-1", "img-a:1"));
        http.postJson("/api/v1/records", Records.json(b, T0.plusSeconds(120), "filter-node-2", "img-b:1"));

        assertThat(ids(http.get("/api/v1/records?containerId=" + a.substring(0, 12)))).hasSize(2)
                .allMatch(a::equals);
        assertThat(ids(http.get("/api/v1/records?node=filter-node-2"))).containsExactly(b);
        assertThat(ids(http.get("/api/v1/records?image=img-a:1"))).containsExactly(a, a);
        assertThat(ids(http.get("/api/v1/records?node=filter-node-1&since=" + T0.plusSeconds(30)))).containsExactly(a);
        assertThat(ids(http.get("/api/v1/records?node=filter-node-1&until=" + T0.plusSeconds(30)))).containsExactly(a);
    }

    @Test
    void shortContainerIdNamingSeveralContainersIsABadRequest(Http http) {
        String prefix = Records.containerId().substring(0, 20);
        http.postJson("/api/v1/records", Records.json(prefix + "1".repeat(44), T0));
        http.postJson("/api/v1/records", Records.json(prefix + "2".repeat(44), T0));

        assertProblem(http.get("/api/v1/records?containerId=" + prefix), 400, "ambiguous-container-id", prefix);
        assertThat(ids(http.get("/api/v1/records?containerId=" + prefix + "1"))).hasSize(1);
        assertThat(ids(http.get("/api/v1/records?containerId=ffffffffffff0000"))).isEmpty();
    }

    @Test
    void containersListsTheLatestRecordOfEachContainer(Http http) {
        String a = Records.containerId();
        String b = Records.containerId();
        http.postJson("/api/v1/records", Records.json(a, T0.plusSeconds(5), "inv-node", "x"));
        http.postJson("/api/v1/records", Records.json(b, T0.plusSeconds(3), "inv-node", "x"));
        String latestA = http.postJson("/api/v1/records", Records.json(a, T0.plusSeconds(9), "inv-node", "x"))
                .json().get("id").asText();
        // an older observation arriving late does not replace the latest one
        http.postJson("/api/v1/records", Records.json(a, T0.plusSeconds(1), "inv-node", "x"));

        JsonNode items = http.get("/api/v1/containers?node=inv-node").json().get("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).get("id").asText()).isEqualTo(latestA);
        assertThat(items.get(1).get("containerId").asText()).isEqualTo(b);
    }

    @Test
    void sameIdempotencyKeyAndBodyReturnsTheFirstResultAndStoresNothingNew(Http http) {
        String id = Records.containerId();
        String body = Records.json(id, T0);
        Http.Answer first = http.post("/api/v1/records", "application/json", body, "key-" + id);
        Http.Answer again = http.post("/api/v1/records", "application/json", body, "key-" + id);

        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(ids(http.get("/api/v1/records?containerId=" + id))).hasSize(1);
    }

    @Test
    void sameIdempotencyKeyWithAnotherBodyIsAConflict(Http http) {
        String id = Records.containerId();
        http.post("/api/v1/records", "application/json", Records.json(id, T0), "conflict-" + id);
        Http.Answer other = http.post("/api/v1/records", "application/json", Records.json(id, T0.plusSeconds(1)),
                                      "conflict-" + id);

        assertThat(other.status()).isEqualTo(409);
        assertThat(other.contentType()).isEqualTo("application/problem+json");
        assertThat(ids(http.get("/api/v1/records?containerId=" + id))).hasSize(1);
    }

    @Test
    void legacyPostMapsTheOriginalBodyOntoARecord(Http http) {
        String id = Records.containerId().substring(0, 12);
        Http.Answer created = http.postJson("/service", """
                {"id":"%s","name":"old-tool","image":"busybox","timestamp":"2026-11-22 10:00:00",
                 "memory_usage":1.5,"cpu_usage":0.25,"host":"h1"}""".formatted(id));

        assertThat(created.status()).isEqualTo(201);
        JsonNode record = created.json();
        assertThat(record.get("containerId").asText()).isEqualTo(id);
        assertThat(record.get("name").asText()).isEqualTo("old-tool");
        assertThat(record.get("observedAt").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(record.get("memoryBytes").asLong()).isEqualTo(1_572_864L);
        assertThat(record.get("cpu_usage").asDouble()).isEqualTo(0.25);
        assertThat(record.get("host").asText()).isEqualTo("h1");
        assertThat(record.has("timestamp")).isFalse();
    }

    @Test
    void legacyGetReturnsEveryRecordAsOneArray(Http http) {
        Set<String> stored = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            stored.add(http.postJson("/api/v1/records", Records.json(Records.containerId(), T0)).json().get("id")
                               .asText());
        }
        Http.Answer all = http.get("/service");

        assertThat(all.status()).isEqualTo(200);
        // streamed as it is read, chunk by chunk: no Content-Length computed from a body held in memory
        assertThat(all.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(all.json().isArray()).isTrue();
        Set<String> listed = new HashSet<>();
        all.json().forEach(r -> listed.add(r.get("id").asText()));
        assertThat(listed).containsAll(stored);
    }

    @Test
    void answersVersionHealthMetricsAndOpenApi(Http http) {
        double storedBefore = storedTotal(http);
        http.postJson("/api/v1/records", Records.json(Records.containerId(), T0));
        assertThat(storedTotal(http)).isEqualTo(storedBefore + 1);

        assertThat(http.get("/api/v1/version").json().get("name").asText()).isEqualTo("dockhand-server");
        Http.Answer health = http.get("/observe/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).contains("\"database\"").contains("UP");
        Http.Answer metrics = http.get("/observe/metrics");
        assertThat(metrics.body()).contains("dockhand_records_stored_total").contains("dockhand_http_requests");
        Http.Answer openapi = http.get("/openapi");
        assertThat(openapi.status()).isEqualTo(200);
        assertThat(openapi.body()).contains("/api/v1/records").contains("/api/v1/containers").contains("/service");
    }

    private static double storedTotal(Http http) {
        return http.get("/observe/metrics").body().lines()
                .filter(line -> line.startsWith("dockhand_records_stored_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow();
    }

    private static List<String> ids(Http.Answer page) {
        assertThat(page.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        page.json().get("items").forEach(item -> ids.add(item.get("containerId").asText()));
        return ids;
    }
}
