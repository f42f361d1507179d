package io.dockhand.server;

import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Builds record bodies for tests. */
public final class Records {
    private Records() {
    }

    public static String containerId() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public static String json(String containerId, Instant observedAt) {
        return json(containerId, observedAt, "node-1", "alpine:3");
    }

    public static String json(String containerId, Instant observedAt, String node, String image) {
        return """
                {"containerId":"%s","name":"web-1","image":"%s","imageId":"sha256:0123","node":"%s",
                 "state":"running","createdAt":"2026-11-01T00:00:00Z","labels":{"tier":"web"},
                 "networks":{"bridge":"172.17.0.2"},"cpuPercent":12.5,"memoryBytes":1048576,
                 "memoryLimitBytes":2097152,"observedAt":"%s"}
                """.formatted(containerId, image, node, observedAt);
    }
}
