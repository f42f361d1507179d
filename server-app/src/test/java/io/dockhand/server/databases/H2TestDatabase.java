package io.dockhand.server.databases;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** An H2 file database in a temporary directory of its own, as the store makes it from {@code store.dir}. */
final class H2TestDatabase implements TestDatabase {
    private final Path dir;

    private H2TestDatabase(Path dir) {
        this.dir = dir;
    }

    static H2TestDatabase create() throws IOException {
        return new H2TestDatabase(Files.createTempDirectory("dockhand-h2"));
    }

    @Override
    public DatabaseKind kind() {
        return DatabaseKind.H2;
    }

    @Override
    public String url() {
        return "jdbc:h2:file:" + dir.resolve("dockhand") + ";WRITE_DELAY=0";
    }

    @Override
    public String user() {
        return "sa";
    }

    @Override
    public Map<String, String> storeConfig() {
        return Map.of("dir", dir.toString());
    }

    @Override
    public void close() throws IOException {
        Directories.deleteTree(dir);
    }
}
