package io.dockhand.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code docker} command line, which is what a user of the stack has ({@code docker stack} exists nowhere
 * else). Every call has a deadline; output is captured through files so neither stream can block the other.
 */
final class Docker {
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    /** What one command did. */
    record Result(List<String> command, int exitCode, String out, String err) {
        boolean ok() {
            return exitCode == 0;
        }

        /** The trimmed standard output, or an exception that shows the command and its standard error. */
        String orThrow() {
            if (!ok()) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exitCode + ": "
                                                        + err.strip() + (out.isBlank() ? "" : " / " + out.strip()));
            }
            return out.strip();
        }
    }

    private Docker() {
    }

    /** Runs {@code docker args...}; fails only if it cannot be started or outlives {@link #DEFAULT_TIMEOUT}. */
    static Result run(String... args) {
        return run(DEFAULT_TIMEOUT, Map.of(), args);
    }

    /** Runs {@code docker args...} and returns its trimmed output, failing when it exits non-zero. */
    static String ok(String... args) {
        return run(args).orThrow();
    }

    static Result run(Duration timeout, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        return exec(command, timeout, env);
    }

    /** Runs any command with captured output. */
    static Result exec(List<String> command, Duration timeout, Map<String, String> env) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("docker-out", ".txt");
            err = Files.createTempFile("docker-err", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                              Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /**
     * Runs a command and echoes its output line by line as it comes (progress of long builds). Echoed through
     * {@code System.out}: a child writing to the inherited descriptor would corrupt the test fork's channel.
     */
    static void execEchoingOutput(List<String> command, Duration timeout, Map<String, String> env) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            Process process = builder.start();
            Thread echo = Thread.ofPlatform().daemon().start(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                                                                                         StandardCharsets.UTF_8))) {
                    lines.lines().forEach(line -> System.out.println("    " + line));
                } catch (IOException | UncheckedIOException ignored) {
                    // the process was destroyed
                }
            });
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
            }
            echo.join(5_000);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** Non-empty lines of a command's output. */
    static List<String> lines(String output) {
        return output.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file; the OS cleans up
            }
        }
    }
}
