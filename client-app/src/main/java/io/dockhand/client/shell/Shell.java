package io.dockhand.client.shell;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.function.Supplier;

import io.dockhand.client.output.SafeText;

import org.jline.builtins.ConfigurationPath;
import org.jline.console.impl.Builtins;
import org.jline.console.impl.SystemRegistryImpl;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import picocli.CommandLine;
import picocli.shell.jline3.PicocliCommands;

/**
 * The interactive prompt: picocli's commands and JLine's {@code history} in one registry, with TAB completion of
 * commands and options, and history kept in a file. Ctrl-C at the prompt drops the line; while a command runs it
 * interrupts the command and returns to the prompt; {@code exit} or Ctrl-D leaves.
 */
public final class Shell {
    private static final Size DEFAULT_SIZE = new Size(80, 24);
    private Shell() {
    }

    /**
     * Reads and runs lines until {@code exit} or end of input.
     *
     * @param terminal    where lines come from and output goes
     * @param commands    the commands (writing their output to the terminal)
     * @param err         where errors of the prompt itself go
     * @param historyFile where history is kept across runs; left out if its directory cannot be made
     * @param prompt      the prompt text
     * @return the exit code, 0
     */
    public static int run(Terminal terminal, CommandLine commands, PrintWriter err, Path historyFile, String prompt) {
        if (terminal.getWidth() <= 0 || terminal.getHeight() <= 0) {
            // A terminal that reports no size (a pty nobody sized, as under `script`) would clip the prompt.
            terminal.setSize(new Size(DEFAULT_SIZE.getColumns(), DEFAULT_SIZE.getRows()));
        }
        Supplier<Path> workDir = () -> Path.of(System.getProperty("user.dir", "."));
        Path configDir = historyFile == null ? null : historyFile.toAbsolutePath().getParent();
        Builtins builtins = new Builtins(EnumSet.of(Builtins.Command.HISTORY), workDir,
                                         new ConfigurationPath(configDir, configDir), null);
        PicocliCommands picocli = new PicocliCommands(commands);
        Parser parser = new DefaultParser();
        SystemRegistryImpl registry = new SystemRegistryImpl(parser, terminal, workDir, null);
        try {
            registry.setCommandRegistries(builtins, picocli);
            LineReaderBuilder builder = LineReaderBuilder.builder()
                    .appName("dockhand")
                    .terminal(terminal)
                    .completer(registry.completer())
                    .parser(parser)
                    .variable(LineReader.LIST_MAX, 50);
            if (historyDirectory(historyFile, err)) {
                builder.variable(LineReader.HISTORY_FILE, historyFile);
            }
            LineReader reader = builder.build();
            builtins.setLineReader(reader);
            loop(terminal, reader, registry, err, prompt);
            saveHistory(reader, err);
            return 0;
        } finally {
            registry.close();
        }
    }

    private static void loop(Terminal terminal, LineReader reader, SystemRegistryImpl registry, PrintWriter err,
                             String prompt) {
        Thread shell = Thread.currentThread();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> shell.interrupt());
        try {
            while (true) {
                try {
                    registry.cleanUp();
                    String line = reader.readLine(prompt);
                    registry.execute(line);
                } catch (UserInterruptException e) {
                    // Ctrl-C at the prompt: the line is dropped, the prompt stays.
                } catch (EndOfFileException e) {
                    return;
                } catch (Exception e) {
                    err.println("error: " + SafeText.line(e.getMessage() == null ? e.toString() : e.getMessage()));
                    err.flush();
                } finally {
                    // An interrupt (Ctrl-C) that arrived after the command ended must not cancel the next one.
                    Thread.interrupted();
                }
            }
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
        }
    }

    private static boolean historyDirectory(Path historyFile, PrintWriter err) {
        if (historyFile == null) {
            return false;
        }
        try {
            Path dir = historyFile.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            return true;
        } catch (IOException e) {
            err.println("warning: history is not kept: cannot create " + historyFile.getParent() + " ("
                                + e.getMessage() + ")");
            err.flush();
            return false;
        }
    }

    private static void saveHistory(LineReader reader, PrintWriter err) {
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            err.println("warning: history not saved: " + e.getMessage());
            err.flush();
        }
    }
}
