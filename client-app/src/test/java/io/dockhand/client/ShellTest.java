package io.dockhand.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.dockhand.client.shell.Shell;

import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The prompt, driven through a JLine dumb terminal over piped streams. Every run has a timeout: it guards against
 * a prompt that never returns, it is not a performance assertion.
 */
class ShellTest extends LiveServices {
    private static final Duration HANG = Duration.ofSeconds(60);
    private static final Duration AWAIT = Duration.ofSeconds(20);

    /** What a prompt session printed. */
    record Prompt(int code, String out, String err) {
    }

    /** The keyboard and screen of a prompt that is running, for tests that type in steps. */
    static final class Screen {
        private final PipedOutputStream keyboard;
        private final ByteArrayOutputStream screen;
        private Terminal terminal;

        Screen(PipedOutputStream keyboard, ByteArrayOutputStream screen) {
            this.keyboard = keyboard;
            this.screen = screen;
        }

        void type(String keys) {
            try {
                keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
                keyboard.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits until the screen shows {@code text} {@code times} times. */
        void await(String text, int times) {
            long deadline = System.nanoTime() + AWAIT.toNanos();
            while (screen.toString(StandardCharsets.UTF_8).split(Pattern.quote(text), -1).length - 1 < times) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the screen did not show '" + text + "' " + times + " times: "
                            + screen.toString(StandardCharsets.UTF_8).replace("\u001b", "ESC"));
                }
                pause(20);
            }
        }

        void ctrlC() {
            terminal.raise(Terminal.Signal.INT);
        }
    }

    /** Runs the prompt on a dumb terminal reading {@code input}; the end of the input ends the prompt. */
    private static Prompt prompt(String input, Path history) {
        return assertTimeoutPreemptively(HANG, () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            StringWriter err = new StringWriter();
            InputStream in = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
            try (Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB, in, out, StandardCharsets.UTF_8)) {
                PrintWriter errors = new PrintWriter(err, true);
                int code = Shell.run(terminal, commands(terminal, errors), errors, history, ClientCommand.PROMPT);
                terminal.writer().flush();
                return new Prompt(code, out.toString(StandardCharsets.UTF_8), err.toString());
            }
        });
    }

    private static picocli.CommandLine commands(Terminal terminal, PrintWriter errors) {
        Session session = Cli.session(env(), "", dir).withStartup(new ClientOptions());
        return ClientCommand.commandLine(session, true, terminal.writer(), errors);
    }

    /**
     * Runs the prompt on a dumb terminal (or, for key bindings a dumb terminal lacks, an xterm) over piped streams,
     * while {@code user} types on another thread, who ends with {@code exit} (or Ctrl-D on the xterm).
     */
    private static Prompt prompt(Path history, boolean xterm, Consumer<Screen> user) {
        return assertTimeoutPreemptively(HANG, () -> {
            PipedOutputStream keyboard = new PipedOutputStream();
            PipedInputStream in = new PipedInputStream(keyboard, 64 * 1024);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            StringWriter err = new StringWriter();
            Screen screen = new Screen(keyboard, out);
            try (Terminal terminal = xterm
                    ? TerminalBuilder.builder().system(false).streams(in, out).type("xterm").build()
                    : new DumbTerminal("test", Terminal.TYPE_DUMB, in, out, StandardCharsets.UTF_8)) {
                screen.terminal = terminal;
                if (!xterm) {
                    // The line discipline of a terminal (stty's defaults): Ctrl-C is INTR and raises SIGINT.
                    Attributes attributes = terminal.getAttributes();
                    attributes.setLocalFlag(Attributes.LocalFlag.ISIG, true);
                    attributes.setControlChar(Attributes.ControlChar.VINTR, 3);
                    terminal.setAttributes(attributes);
                }
                PrintWriter errors = new PrintWriter(err, true);
                var commands = commands(terminal, errors);
                AtomicReference<Throwable> typing = new AtomicReference<>();
                Thread typist = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        user.accept(screen);
                    } catch (Throwable t) {
                        typing.set(t);
                    } finally {
                        try {
                            keyboard.close();
                        } catch (IOException e) {
                            typing.compareAndSet(null, e);
                        }
                    }
                });
                int code = Shell.run(terminal, commands, errors, history, ClientCommand.PROMPT);
                terminal.writer().flush();
                typist.join();
                if (typing.get() != null) {
                    throw new AssertionError(typing.get().getMessage(), typing.get());
                }
                return new Prompt(code, out.toString(StandardCharsets.UTF_8), err.toString());
            }
        });
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void runsCommandsAtThePromptUntilExit() {
        Prompt prompt = prompt("post\nget --container " + containerId + "\nexit\nstatus\n", dir.resolve("h1"));

        assertThat(prompt.code()).isZero();
        assertThat(prompt.err()).isEmpty();
        assertThat(prompt.out()).contains(ClientCommand.PROMPT)
                .containsPattern(UUID + "  " + containerId.substring(0, 12) + " web-1 \\(nginx:1\\.27\\)")
                .contains("ID        CONTAINER")
                .doesNotContain("SERVICE");
    }

    @Test
    void endOfInputLeavesThePromptAsCtrlDDoes() {
        Prompt prompt = prompt("help\n", dir.resolve("h2"));

        assertThat(prompt.code()).isZero();
        assertThat(prompt.out()).contains("post").contains("containers").contains("status");
    }

    @Test
    void anErrorIsOneLineAndThePromptStays() {
        Prompt prompt = prompt("get 00000000-0000-0000-0000-000000000000\nget --limit nope\npost\nexit\n",
                               dir.resolve("h3"));

        assertThat(prompt.err()).startsWith("error: Record not found").contains("Invalid value for option '--limit'");
        assertThat(prompt.out()).contains(containerId.substring(0, 12) + " web-1");
    }

    @Test
    void ctrlCDropsTheLineBeingTyped() {
        Prompt prompt = prompt(dir.resolve("h4"), false, screen -> {
            screen.await(ClientCommand.PROMPT, 1);
            screen.type("post --every 1s\u0003");
            screen.await(ClientCommand.PROMPT, 2);
            screen.type("get --container " + containerId + "\nexit\n");
        });

        assertThat(prompt.code()).isZero();
        assertThat(prompt.out()).containsPattern("ID +CONTAINER");
        assertThat(client("get", "--container", containerId).out().lines()).as("records posted").hasSize(1);
    }

    @Test
    void ctrlCCancelsTheRunningCommandAndKeepsThePrompt() {
        Supplier<Long> posted = () -> client("get", "--container", containerId).out().lines().count() - 1;
        Prompt prompt = prompt(dir.resolve("h5"), false, screen -> {
            screen.type("post --every 200ms\n");
            while (posted.get() < 2) {
                pause(50);
            }
            screen.ctrlC();
            screen.await(ClientCommand.PROMPT, 2);
            screen.type("status\nexit\n");
        });

        assertThat(prompt.code()).isZero();
        assertThat(prompt.err()).contains("error: interrupted");
        assertThat(prompt.out()).contains("SERVICE");
        long afterCancel = posted.get();
        pause(500);
        assertThat(posted.get()).as("no post after the cancel").isEqualTo(afterCancel);
    }

    @Test
    void historyIsKeptAcrossRuns() throws IOException {
        Path history = dir.resolve("volume").resolve("history");
        prompt("status --timeout 2s\nexit\n", history);

        assertThat(Files.readString(history)).contains("status --timeout 2s");
        Prompt second = prompt("history\nexit\n", history);
        assertThat(second.out()).containsPattern("\\d+\\s+status --timeout 2s");
    }

    @Test
    void tabCompletesCommandsAndOptionsAndCtrlDLeaves() throws IOException {
        // A dumb terminal binds every key to self-insert, TAB and Ctrl-D included: these need a real terminal type.
        Path history = dir.resolve("h6");
        Prompt prompt = prompt(history, true, screen -> {
            screen.type("contai\t--conta\t" + containerId + "\r");
            screen.await("CONTAINER  NAME", 1);
            screen.type("\u0004");
        });

        assertThat(prompt.code()).isZero();
        assertThat(prompt.err()).isEmpty();
        assertThat(prompt.out()).contains("ID  CONTAINER  NAME");
        assertThat(Files.readString(history)).contains("containers --container=" + containerId);
    }

    @Test
    void jobsVerbsCompleteAndRunAtThePrompt() throws IOException {
        Path history = dir.resolve("h7");
        Prompt prompt = prompt(history, true, screen -> {
            screen.type("jobs sta\tnothing-here\r");
            screen.await(ClientCommand.PROMPT, 2);
            screen.type("jobs li\t\r");
            screen.await("PROJECT  TASKS", 1);
            screen.type("\u0004");
        });

        assertThat(prompt.code()).isZero();
        assertThat(prompt.err()).startsWith("error: Project not found: No project 'nothing-here'");
        assertThat(prompt.out()).contains("PROJECT  TASKS  READY  RUNNING");
        assertThat(Files.readString(history)).contains("jobs status nothing-here").contains("jobs list");
    }
}
