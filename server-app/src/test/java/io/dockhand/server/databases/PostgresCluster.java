package io.dockhand.server.databases;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * A throw-away PostgreSQL cluster in a directory of its own, on a free loopback port, started and stopped by
 * {@code provision/test-postgres.sh}. The test run shares one ({@link #shared}), kept in JUnit's root store so it is
 * stopped and its directory removed when the run ends, failed or not (and by a shutdown hook when the JVM is told to
 * exit first). Without PostgreSQL's binaries it fails with the script's message, never skips: PostgreSQL is a
 * prerequisite of the store's tests.
 */
public final class PostgresCluster implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private static final Namespace NAMESPACE = Namespace.create(PostgresCluster.class);
    private static final String SCRIPT = "provision/test-postgres.sh";

    private final Path dir;
    private final int port;
    private final String url;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PostgresCluster(Path dir, int port, String url) {
        this.dir = dir;
        this.port = port;
        this.url = url;
    }

    /** The run's cluster, started by the first test class that needs it. */
    public static PostgresCluster shared(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(PostgresCluster.class, key -> start("postgres"), PostgresCluster.class);
    }

    /**
     * A cluster of the caller's own (for a test that stops and starts it), in a new directory; close it. A port
     * another process took between our probe and the server's bind is tried once more with another.
     */
    public static PostgresCluster start(String name) {
        try {
            Path dir = Directories.forCluster(name);
            for (int attempt = 1; ; attempt++) {
                int port = freePort();
                try {
                    String url = script("start", dir.toString(), Integer.toString(port));
                    PostgresCluster cluster = new PostgresCluster(dir, port, url);
                    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "postgres-cluster-" + port));
                    return cluster;
                } catch (IllegalStateException e) {
                    if (attempt == 2 || !String.valueOf(e.getMessage()).contains("is the port taken?")) {
                        new PostgresCluster(dir, port, "").close();
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Runs the script and returns its stdout; its stderr (the reason) in the exception when it fails. */
    private static String script(String... args) throws IOException {
        Path script = findScript();
        Path errors = Files.createTempFile("test-postgres", ".log");
        try {
            List<String> command = new ArrayList<>(List.of(script.toString()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command)
                    .redirectError(errors.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(SCRIPT + " " + String.join(" ", args) + " did not finish in 120 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("PostgreSQL is a prerequisite of the store's tests, and "
                        + SCRIPT + " " + String.join(" ", args) + " failed (exit " + process.exitValue() + "):\n"
                        + Files.readString(errors).trim());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /** {@code provision/test-postgres.sh} of this checkout: up from the working directory (the module's). */
    private static Path findScript() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve(SCRIPT))) {
                return p.resolve(SCRIPT);
            }
        }
        throw new IllegalStateException(SCRIPT + " not found above " + Path.of("").toAbsolutePath());
    }

    /** The JDBC URL of the database {@code dockhand} the script made. */
    public String url() {
        return url;
    }

    /** The superuser the store connects as: {@code postgres} when the tests run as root, else the caller. */
    public String user() {
        String me = System.getProperty("user.name");
        return "root".equals(me) ? "postgres" : me;
    }

    /** A new, empty database with a unique name, dropped when it is closed. */
    public TestDatabase createDatabase() {
        String name = "dockhand_" + UUID.randomUUID().toString().replace("-", "");
        admin("CREATE DATABASE " + name);
        return new PostgresTestDatabase(this, name);
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A statement run in the maintenance database {@code postgres}. */
    void admin(String sql) {
        try (Connection c = DriverManager.getConnection(url("postgres"), user(), "");
                Statement statement = c.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Stops the server (fast shutdown: open connections are cut), keeping its data and port. */
    public void stopServer() {
        try {
            script("stop", dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the server again on its port; nothing when it runs. */
    public void startServer() {
        try {
            script("start", dir.toString(), Integer.toString(port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server and removes its directory; again does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            stopServer();
            Directories.deleteTree(dir);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not stop and remove the PostgreSQL cluster in " + dir + ": " + e);
        }
    }
}
