package io.dockhand.server;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Everything a client can get wrong is a 4xx problem document that names the problem, and stores nothing. */
@ExtendWith(StoreServerExtension.class)
abstract class AbstractBadInputTest {
    private static final String OBSERVED = "\"observedAt\":\"2026-11-22T10:00:00Z\"";

    @Test
    void rejectsBodyThatIsNotJson(Http http) {
        assertProblem(http.postJson("/api/v1/records", "{not json"), 400, "malformed-json", "not valid JSON");
        assertProblem(http.postJson("/api/v1/records", ""), 400, "malformed-json", "empty");
        assertProblem(http.postJson("/api/v1/records", "{\"containerId\":\"abcabcabcabc\"} trailing"), 400,
                      "malformed-json", "not valid JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42", "null", "true"})
    void rejectsBodyThatIsNotAnObject(String body, Http http) {
        assertProblem(http.postJson("/api/v1/records", body), 422, "invalid-record", "must be a JSON object");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{" + OBSERVED + "}| 'containerId' is required",
            "{\"containerId\":null," + OBSERVED + "}| 'containerId' is required",
            "{\"containerId\":123456789012," + OBSERVED + "}| 'containerId' must be a string",
            "{\"containerId\":\"xyz123456789\"," + OBSERVED + "}| 12 to 64 hexadecimal",
            "{\"containerId\":\"abc\"," + OBSERVED + "}| 12 to 64 hexadecimal",
            "{\"containerId\":\"abcdefabcdef\"}| 'observedAt' is required",
            "{\"containerId\":\"abcdefabcdef\",\"observedAt\":\"yesterday\"}| ISO-8601",
            "{\"containerId\":\"abcdefabcdef\",\"observedAt\":1700000000}| 'observedAt' must be a string",
            "{\"containerId\":\"abcdefabcdef\"," + OBSERVED + ",\"labels\":[\"a\"]}| 'labels' must be an object",
            "{\"containerId\":\"abcdefabcdef\"," + OBSERVED + ",\"labels\":{\"a\":1}}| 'labels.a' must be a string",
            "{\"containerId\":\"abcdefabcdef\"," + OBSERVED + ",\"networks\":{\"n\":{}}}| 'networks.n' must be a string",
            "{\"containerId\":\"abcdefabcdef\"," + OBSERVED + ",\"cpuPercent\":\"high\"}| 'cpuPercent' must be a number",
            "{\"containerId\":\"abcdefabcdef\"," + OBSERVED + ",\"memoryBytes\":1.5}| 'memoryBytes' must be a whole",
            "{\"containerId\":\"abcdefabcdef\"," + OBSERVED + ",\"memoryLimitBytes\":-1}| 'memoryLimitBytes' must be",
            "{\"containerId\":\"abcdefabcdef\"," + OBSERVED + ",\"name\":5}| 'name' must be a string",
            "{\"containerId\":\"abcdefabcdef\"," + OBSERVED + ",\"createdAt\":\"soon\"}| 'createdAt' must be an ISO",
            "{\"containerId\":\"abcdefabcdef\"," + OBSERVED + ",\"id\":\"mine\"}| assigned by the server",
            "{\"containerId\":\"abcdefabcdef\",\"observedAt\":\"+999999999-12-31T23:59:59Z\"}| ISO-8601",
    })
    void rejectsMissingOrMistypedField(String body, String detail, Http http) {
        assertProblem(http.postJson("/api/v1/records", body), 422, "invalid-record", detail.strip());
    }

    @Test
    void rejectsBodyOver64KiB(Http http) {
        String big = "{\"containerId\":\"abcdefabcdef\"," + OBSERVED + ",\"pad\":\"" + "x".repeat(64 * 1024) + "\"}";
        assertProblem(http.postJson("/api/v1/records", big), 413, "payload-too-large", "65536");
    }

    @Test
    void rejectsWrongOrMissingContentType(Http http) {
        String body = "{\"containerId\":\"abcdefabcdef\"," + OBSERVED + "}";
        assertProblem(http.post("/api/v1/records", "text/plain", body, null), 415, "unsupported-media-type",
                      "text/plain");
        assertProblem(http.post("/api/v1/records", null, body, null), 415, "unsupported-media-type",
                      "Content-Type");
    }

    @Test
    void rejectsUnknownPathAndMethod(Http http) {
        assertProblem(http.get("/api/v2/records"), 404, "not-found", "/api/v2/records");
        assertProblem(http.get("/api/v1/records/a/b"), 404, "not-found", "/api/v1/records/a/b");
        assertProblem(http.method("DELETE", "/api/v1/records/"), 404, "not-found", "/api/v1/records/");
        Http.Answer delete = http.method("DELETE", "/api/v1/records");
        assertProblem(delete, 405, "method-not-allowed", "DELETE");
        assertThat(delete.header("Allow")).isEqualTo("GET, HEAD, POST");
        assertProblem(http.method("PUT", "/api/v1/records/0b0b0b0b-0000-0000-0000-000000000000"), 405,
                      "method-not-allowed", "PUT");
        assertProblem(http.postJson("/api/v1/containers", "{}"), 405, "method-not-allowed", "GET");
    }

    @Test
    void malformedRequestsAreProblemsToo(Http http) throws Exception {
        int port = java.net.URI.create(http.base()).getPort();
        for (String target : new String[] {"/api/v1/records?node=%zz", "/api/v1/records/%zz", "/api/v1/records?%"}) {
            String answer = raw(port, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(target).startsWith("HTTP/1.1 400");
            assertThat(answer).containsIgnoringCase("Content-Type: application/problem+json")
                    .contains("\"status\":400").contains("/problems/bad-request").doesNotContain("\tat ");
        }
    }

    @Test
    void bodyOverTheServersOwnLimitIsAProblemToo(Http http) {
        String huge = "{\"pad\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        // As curl sends a large body: Expect: 100-continue, so the server's refusal arrives before the body is sent
        // (a server that refuses mid-body and closes races the client's writes: a reset, no answer to read).
        Http.Answer answer = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(http.base()
                        + "/api/v1/records"))
                .header("Content-Type", "application/json")
                .expectContinue(true)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(huge)));
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.json().get("status").asInt()).isEqualTo(413);
    }

    @Test
    void rejectsAContainerFilterThatIsNoContainerId(Http http) {
        assertProblem(http.get("/api/v1/records?containerId=zzz"), 400, "invalid-container-id", "zzz");
        assertProblem(http.get("/api/v1/containers?containerId=" + "a".repeat(65)), 400, "invalid-container-id",
                      "64 hexadecimal");
    }

    @Test
    void unknownRecordIdIsNotFound(Http http) {
        assertProblem(http.get("/api/v1/records/0b0b0b0b-0000-0000-0000-000000000000"), 404, "record-not-found",
                      "0b0b0b0b");
        assertProblem(http.get("/api/v1/records/not-a-uuid"), 404, "record-not-found", "not-a-uuid");
        assertProblem(http.get("/api/v1/records/0b0b0b0b-0000-0000-0000-0000000000000"), 404, "record-not-found",
                      "0b0b");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "limit=0|invalid-limit|1 to 1000",
            "limit=1001|invalid-limit|1 to 1000",
            "limit=ten|invalid-limit|ten",
            "limit=|empty-parameter|limit",
            "limit|empty-parameter|limit",
            "cursor&limit=5|empty-parameter|cursor",
            "cursor=garbage|invalid-cursor|nextCursor",
            "cursor=djE6eDp5|invalid-cursor|nextCursor",
            "since=yesterday|invalid-since|ISO-8601",
            "until=2026-13-01T00:00:00Z|invalid-until|ISO-8601",
            "colour=red|unknown-parameter|colour",
            "limit=1&limit=2|repeated-parameter|limit",
    })
    void rejectsBadPagingAndFilterParameters(String query, String slug, String detail, Http http) {
        assertProblem(http.get("/api/v1/records?" + query), 400, slug, detail);
        assertProblem(http.get("/api/v1/containers?" + query), 400, slug, detail);
    }

    @Test
    void readsAMediaTypeWhateverItsCaseAndNamesNoClassInAJsonError(Http http) {
        String body = "{\"containerId\":\"abcdefabcdef\"," + OBSERVED + "}";
        assertThat(http.post("/api/v1/records", "APPLICATION/JSON", body, null).status()).isEqualTo(201);
        assertThat(http.post("/api/v1/records", "Application/Problem+JSON", body, null).status()).isEqualTo(201);
        Http.Answer twice = http.postJson("/api/v1/records", "{}{}");
        assertProblem(twice, 400, "malformed-json", "not valid JSON");
        assertThat(twice.body()).doesNotContain("com.fasterxml", "jackson", "`");
    }

    @Test
    void rejectsInvalidIdempotencyKey(Http http) {
        String body = "{\"containerId\":\"abcdefabcdef\"," + OBSERVED + "}";
        assertProblem(http.post("/api/v1/records", "application/json", body, "x".repeat(256)), 400,
                      "invalid-idempotency-key", "1 to 255");
    }

    @Test
    void badLegacyBodiesAreProblemsToo(Http http) {
        assertProblem(http.postJson("/service", "{\"name\":\"no id\"}"), 422, "invalid-record", "containerId");
        assertProblem(http.postJson("/service", "{\"id\":\"abcdefabcdef\",\"timestamp\":\"noon\"}"), 422,
                      "invalid-record", "timestamp");
        assertProblem(http.postJson("/service", "{\"id\":\"abcdefabcdef\",\"memory_usage\":\"lots\"}"), 422,
                      "invalid-record", "memory_usage");
        assertProblem(http.postJson("/service", "{\"id\":\"abcdefabcdef\",\"timestamp\":1e300}"), 422,
                      "invalid-record", "timestamp");
        assertProblem(http.postJson("/service", "{\"id\":\"abcdefabcdef\",\"memory_usage\":1e999999999}"), 422,
                      "number-out-of-range", "'memory_usage'");
        assertProblem(http.postJson("/service", "{\"id\":\"abcdefabcdef\",\"memory_usage\":1e13}"), 422,
                      "invalid-record", "'memory_usage' is out of range");
    }

    @Test
    void rejectedRequestsStoreNothing(Http http) {
        String id = Records.containerId();
        http.postJson("/api/v1/records", "{\"containerId\":\"" + id + "\",\"observedAt\":\"nope\"}");
        http.post("/api/v1/records", "text/plain", Records.json(id, Instant.now()), null);

        JsonNode items = http.get("/api/v1/records?containerId=" + id).json().get("items");
        assertThat(items).isEmpty();
    }

    private static String raw(int port, String request) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    static void assertProblem(Http.Answer answer, int status, String slug, String detailContains) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        JsonNode problem = answer.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asText()).isEqualTo("/problems/" + slug);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).contains(detailContains);
        assertThat(problem.get("instance").asText()).startsWith("/");
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
