package io.dockhand.server.records;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.dockhand.web.ProblemException;

/**
 * Where a page ends: the sort key (observation time, store sequence) of its last item. Clients see it only as an
 * opaque string.
 *
 * @param observedMicros observation time of the last item, microseconds since the epoch
 * @param seq            store sequence of the last item
 */
public record Cursor(long observedMicros, long seq) {
    private static final String VERSION = "v1";

    /** Parses a cursor a client sent back; a 400 problem when it is not one of ours. */
    static Cursor decode(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            String[] parts = plain.split(":");
            if (parts.length != 3 || !VERSION.equals(parts[0])) {
                throw new IllegalArgumentException(plain);
            }
            return new Cursor(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("invalid-cursor",
                    "cursor is not a cursor this server issued; pass back nextCursor exactly as received.");
        }
    }

    String encode() {
        String plain = VERSION + ":" + observedMicros + ":" + seq;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }
}
