package io.dockhand.client.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.StringJoiner;

import io.dockhand.api.Paths;

import com.fasterxml.jackson.databind.JsonNode;

/** The store's records API ({@code /api/v1/...}), reached through a {@link FailoverClient}. */
public final class ServerApi {
    /** The path that answers the store's name and version. */
    public static final String VERSION = Paths.SERVER_VERSION;
    static final String RECORDS = Paths.RECORDS;
    static final String CONTAINERS = Paths.CONTAINERS;

    private final FailoverClient client;

    /** The API over {@code client}. */
    public ServerApi(FailoverClient client) {
        this.client = client;
    }

    /** Stores a record (the agent's JSON, as it came) once, however many attempts it takes. */
    public JsonNode store(byte[] record, String idempotencyKey) throws InterruptedException {
        return client.post(RECORDS, record, idempotencyKey).json();
    }

    /** One stored record. */
    public JsonNode record(String id) throws InterruptedException {
        return client.get(RECORDS + "/" + encode(id)).json();
    }

    /** A page of records, newest first: {@code {"items": [...], "nextCursor": ...}}. */
    public JsonNode records(Query query) throws InterruptedException {
        return client.get(RECORDS + query.queryString()).json();
    }

    /** A page of the latest record of each container. */
    public JsonNode containers(Query query) throws InterruptedException {
        return client.get(CONTAINERS + query.queryString()).json();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * The filters and page position of a listing; {@code null} means not given.
     *
     * @param limit       records per page
     * @param cursor      where the page starts (the previous page's {@code nextCursor})
     * @param containerId a container id or a prefix of it
     * @param node        a node's name
     * @param image       an image name
     * @param since       the oldest observation time listed
     */
    public record Query(int limit, String cursor, String containerId, String node, String image, Instant since) {

        /** The same query, from {@code next} on. */
        public Query from(String next) {
            return new Query(limit, next, containerId, node, image, since);
        }

        String queryString() {
            StringJoiner query = new StringJoiner("&", "?", "");
            query.add("limit=" + limit);
            add(query, "cursor", cursor);
            add(query, "containerId", containerId);
            add(query, "node", node);
            add(query, "image", image);
            add(query, "since", since == null ? null : since.toString());
            return query.toString();
        }

        private static void add(StringJoiner query, String name, String value) {
            if (value != null) {
                query.add(name + "=" + encode(value));
            }
        }
    }
}
