package io.dockhand.server;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page is bounded by bytes as well as by count, and the cursor still leads through every record once. Runs on
 * each database the store supports (the subclasses).
 */
@ExtendWith(StoreServerExtension.class)
abstract class AbstractPageSizeTest {

    @Test
    void endsAPageOfLargeRecordsEarlyAndTheCursorFindsTheRest(Http http) {
        String node = "big-" + System.nanoTime();
        String padding = "x".repeat(60_000);
        Set<String> stored = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String body = "{\"containerId\":\"" + Records.containerId() + "\",\"observedAt\":\"" + Instant.now()
                    + "\",\"node\":\"" + node + "\",\"note\":\"" + padding + "\"}";
            Http.Answer answer = http.postJson("/api/v1/records", body);
            assertThat(answer.status()).isEqualTo(201);
            stored.add(answer.json().get("id").asText());
        }
        JsonNode first = http.get("/api/v1/records?limit=1000&node=" + node).json();
        assertThat(first.get("items").size()).isBetween(1, 70);
        assertThat(first.get("nextCursor").isNull()).isFalse();

        Set<String> seen = new HashSet<>();
        JsonNode page = first;
        int pages = 1;
        while (true) {
            for (JsonNode item : page.get("items")) {
                assertThat(seen.add(item.get("id").asText())).isTrue();
            }
            if (page.get("nextCursor").isNull()) {
                break;
            }
            page = http.get("/api/v1/records?limit=1000&node=" + node + "&cursor=" + page.get("nextCursor").asText())
                    .json();
            pages++;
        }
        assertThat(seen).isEqualTo(stored);
        assertThat(pages).isGreaterThan(1);
    }
}
