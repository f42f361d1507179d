package io.dockhand.server;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.dockhand.server.AbstractBadInputTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The original tool's {@code POST /service}, as its clients use it, and the record shape sent there too. */
@ExtendWith(StoreServerExtension.class)
abstract class AbstractLegacyServiceTest {

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"application/x-www-form-urlencoded", "text/plain", "text/html; charset=utf-8",
                            "application/json"})
    void storesAJsonBodyWhateverItsContentTypeSays(String contentType, Http http) {
        String id = Records.containerId();
        Http.Answer answer = http.post("/service", contentType, "{\"id\":\"" + id + "\",\"name\":\"web\"}", null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        assertThat(http.get("/api/v1/records?containerId=" + id).json().get("items")).hasSize(1);
    }

    @Test
    void keepsTheRecordsApiStrictAboutContentType(Http http) {
        assertProblem(http.post("/api/v1/records", "text/plain", Records.json(Records.containerId(), Instant.now()),
                                null), 415, "unsupported-media-type", "application/json");
    }

    @Test
    void keepsAnExplicitObservedAtAndMemoryBytes(Http http) {
        String id = Records.containerId();
        Instant observed = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        JsonNode stored = http.postJson("/service", "{\"containerId\":\"" + id + "\",\"observedAt\":\"" + observed
                + "\",\"memoryBytes\":1234,\"memory_usage\":99}").json();
        assertThat(stored.get("observedAt").asText()).isEqualTo(observed.toString());
        assertThat(stored.get("memoryBytes").asLong()).isEqualTo(1234);
        assertThat(stored.has("memory_usage")).isFalse();
    }

    @Test
    void storesContainerNamesAsDockerPsShowsThemWhicheverPath(Http http) {
        JsonNode legacy = http.postJson("/service", "{\"id\":\"" + Records.containerId()
                + "\",\"name\":\"/web-1\"}").json();
        assertThat(legacy.get("name").asText()).isEqualTo("web-1");
        JsonNode api = http.postJson("/api/v1/records", "{\"containerId\":\"" + Records.containerId()
                + "\",\"observedAt\":\"" + Instant.now() + "\",\"name\":\"/web-2\"}").json();
        assertThat(api.get("name").asText()).isEqualTo("web-2");
    }

    @Test
    void refusesNumbersWhoseExponentWouldCostTheServerAtOnce(Http http) {
        for (String number : new String[] {"1e-50000000", "1e-300000000", "1e50000000"}) {
            assertProblem(http.postJson("/service", "{\"id\":\"abcdefabcdef\",\"memory_usage\":" + number + "}"),
                          422, "number-out-of-range", "memory_usage");
            assertProblem(http.postJson("/service", "{\"id\":\"abcdefabcdef\",\"timestamp\":" + number + "}"),
                          422, "number-out-of-range", "timestamp");
            assertProblem(http.postJson("/api/v1/records", "{\"containerId\":\"abcdefabcdef\",\"observedAt\":\""
                    + Instant.now() + "\",\"cpuPercent\":" + number + "}"), 422, "number-out-of-range", "cpuPercent");
        }
    }

    @Test
    void refusesObservationsFarAheadOfTheStoresClock(Http http) {
        assertProblem(http.postJson("/api/v1/records", "{\"containerId\":\"feedfacecafe\",\"observedAt\":"
                + "\"+294247-01-10T04:00:54.775807Z\"}"), 422, "invalid-record", "observedAt");
        assertProblem(http.postJson("/api/v1/records", Records.json(Records.containerId(),
                Instant.now().plus(25, ChronoUnit.HOURS))), 422, "invalid-record", "ahead of the store's clock");
        assertThat(http.postJson("/api/v1/records", Records.json(Records.containerId(),
                Instant.now().plus(23, ChronoUnit.HOURS))).status()).isEqualTo(201);
    }
}
