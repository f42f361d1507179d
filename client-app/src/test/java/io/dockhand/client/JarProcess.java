package io.dockhand.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A packaged jar run as its own operating-system process, as users and the stack run it. */
final class JarProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
    private final Process process;
    private final int port;

    private JarProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    private static List<String> command(String jar, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-jar");
        command.add(jar);
        command.addAll(List.of(args));
        return command;
    }

    /** Starts the store's jar with {@code env} and waits until it listens; its output goes to {@code log}. */
    static JarProcess server(Map<String, String> env, Path log) throws IOException {
        return start("the store", System.getProperty("dockhand.server.jar", "../server-app/target/server-app.jar"),
                     env, log);
    }

    /** Starts the info agent's jar with {@code env} and waits until it listens; its output goes to {@code log}. */
    static JarProcess agent(Map<String, String> env, Path log) throws IOException {
        return start("the agent", System.getProperty("dockhand.agent.jar", "../info-agent/target/info-agent.jar"),
                     env, log);
    }

    private static JarProcess start(String what, String jar, Map<String, String> env, Path log) throws IOException {
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException(jar + " is missing: package " + what + " first");
        }
        ProcessBuilder builder = new ProcessBuilder(command(jar)).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(process.getInputStream(), log, listening), "log-" + log.getFileName());
        pump.setDaemon(true);
        pump.start();
        try {
            return new JarProcess(process, listening.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException(what + " did not start; its log: "
                                                    + (Files.exists(log) ? Files.readString(log) : "(none)"), e);
        }
    }

    private static void pump(InputStream output, Path log, CompletableFuture<Integer> listening) {
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(output, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                                  StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    listening.complete(Integer.parseInt(m.group(1)));
                }
            }
            listening.completeExceptionally(new IllegalStateException("the process ended"));
        } catch (IOException e) {
            listening.completeExceptionally(new UncheckedIOException(e));
        }
    }

    /** Runs the client's jar to its end with {@code env} and {@code stdin}. */
    static Cli.Result client(Map<String, String> env, String stdin, Duration timeout, String... args)
            throws IOException, InterruptedException {
        String jar = System.getProperty("dockhand.client.jar", "target/client-app.jar");
        ProcessBuilder builder = new ProcessBuilder(command(jar, args));
        builder.environment().keySet().removeIf(name -> name.startsWith("DOCKHAND_") || name.equals("NO_COLOR"));
        builder.environment().putAll(env);
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the client did not end within " + timeout + ": " + args);
        }
        return new Cli.Result(process.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                              new String(err.join(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    /** Kills the process (SIGKILL, as a crash would) and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
