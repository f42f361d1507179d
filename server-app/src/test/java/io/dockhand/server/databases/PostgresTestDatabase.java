package io.dockhand.server.databases;

import java.util.Map;

/** A database of its own in a PostgreSQL cluster, dropped (its connections cut) when closed. */
final class PostgresTestDatabase implements TestDatabase {
    private final PostgresCluster cluster;
    private final String name;

    PostgresTestDatabase(PostgresCluster cluster, String name) {
        this.cluster = cluster;
        this.name = name;
    }

    @Override
    public DatabaseKind kind() {
        return DatabaseKind.POSTGRES;
    }

    @Override
    public String url() {
        return cluster.url(name);
    }

    @Override
    public String user() {
        return cluster.user();
    }

    @Override
    public Map<String, String> storeConfig() {
        return Map.of("url", url(), "user", user(), "password", "");
    }

    @Override
    public void close() {
        cluster.admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
}
