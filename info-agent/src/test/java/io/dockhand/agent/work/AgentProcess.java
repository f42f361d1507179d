package io.dockhand.agent.work;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged agent ({@code target/info-agent.jar}, as it ships) running as its own operating-system process,
 * so a test can kill it with SIGKILL as a crash would. Settings go in as the environment variables that spell
 * them ({@code agent.node} is {@code AGENT_NODE}); its output goes to {@code <name>.log}.
 */
final class AgentProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    private final Process process;
    private final int port;
    private final Path log;

    private AgentProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static AgentProcess start(Path logDir, String name, Map<String, String> settings) throws IOException {
        String jar = System.getProperty("dockhand.agent.jar", "target/info-agent.jar");
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx128m", "-jar", jar)).redirectErrorStream(true);
        builder.environment().put("SERVER_PORT", "0");
        builder.environment().put("SERVER_HOST", "127.0.0.1");
        settings.forEach((key, value) -> builder.environment().put(key.toUpperCase(Locale.ROOT).replace('.', '_'),
                                                                   value));
        Process process = builder.start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(process, log, listening), "agent-log-" + name);
        pump.setDaemon(true);
        pump.start();
        try {
            return new AgentProcess(process, listening.get(60, TimeUnit.SECONDS), log);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("agent " + name + " did not start; log: " + Files.readString(log), e);
        }
    }

    private static void pump(Process process, Path log, CompletableFuture<Integer> listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                                                                          StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                                  StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    listening.complete(Integer.parseInt(m.group(1)));
                }
            }
            listening.completeExceptionally(new IllegalStateException("agent exited"));
        } catch (IOException e) {
            listening.completeExceptionally(new UncheckedIOException(e));
        }
    }

    int port() {
        return port;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL, then waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
