package io.dockhand.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged store ({@code target/server-app.jar}) running as its own operating-system process, so a test can
 * kill it with SIGKILL as a crash would.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
    private final Process process;
    private final int port;

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the jar on {@code port} (0: any free port) with the given {@code store} config (as environment:
     * {@code dir} becomes {@code STORE_DIR}), and waits for it. Its output goes to {@code <name>.log} in
     * {@code logDir}.
     */
    static ServerProcess start(Path logDir, int port, Map<String, String> store, String name) throws IOException {
        return start(logDir, port, store, name, List.of());
    }

    /** An H2 store in {@code dir/db}, shared ({@code AUTO_SERVER}) or not; its log in {@code dir}. */
    static ServerProcess start(Path dir, int port, boolean shared, String name) throws IOException {
        return start(dir, port, shared, name, List.of());
    }

    /** As {@link #start(Path, int, boolean, String)}, with options for the JVM ({@code -Xmx128m}). */
    static ServerProcess start(Path dir, int port, boolean shared, String name, List<String> jvmOptions)
            throws IOException {
        return start(dir, port, Map.of("dir", dir.resolve("db").toString(), "shared", Boolean.toString(shared)), name,
                     jvmOptions);
    }

    /** As {@link #start(Path, int, Map, String)}, with options for the JVM. */
    static ServerProcess start(Path logDir, int port, Map<String, String> store, String name, List<String> jvmOptions)
            throws IOException {
        String jar = System.getProperty("dockhand.server.jar", "target/server-app.jar");
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = logDir.resolve(name + ".log");
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true);
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().put("SERVER_HOST", "127.0.0.1");
        store.forEach((key, value) -> builder.environment().put("STORE_" + key.toUpperCase(Locale.ROOT), value));
        Process process = builder.start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(process, log, listening), "server-log-" + name);
        pump.setDaemon(true);
        pump.start();
        try {
            int actual = listening.get(60, TimeUnit.SECONDS);
            return new ServerProcess(process, actual);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("server " + name + " did not start; log: " + Files.readString(log), e);
        }
    }

    private static void pump(Process process, Path log, CompletableFuture<Integer> listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                                                                          StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                                  java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    listening.complete(Integer.parseInt(m.group(1)));
                }
            }
            listening.completeExceptionally(new IllegalStateException("server exited"));
        } catch (IOException e) {
            listening.completeExceptionally(new UncheckedIOException(e));
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, then wait until the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
