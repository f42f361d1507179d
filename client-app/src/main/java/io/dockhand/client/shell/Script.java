package io.dockhand.client.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;
import org.jline.reader.impl.DefaultParser;
import picocli.CommandLine;

/**
 * Runs the lines piped on standard input, one command per line, with no prompt. Blank lines and lines starting
 * with {@code #} are skipped; {@code exit} stops. Every line runs even after one fails; the exit code is that of
 * the last line that failed, or 0.
 */
public final class Script {
    private Script() {
    }

    /** Runs every line of {@code lines} through {@code commands}. */
    public static int run(BufferedReader lines, CommandLine commands) {
        Parser parser = new DefaultParser();
        int status = 0;
        try {
            String line;
            while ((line = lines.readLine()) != null) {
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                if (text.equals("exit") || text.equals("quit")) {
                    break;
                }
                int code = execute(parser, commands, text);
                if (code != 0) {
                    status = code;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return status;
    }

    private static int execute(Parser parser, CommandLine commands, String text) {
        List<String> words;
        try {
            words = parser.parse(text, text.length(), Parser.ParseContext.ACCEPT_LINE).words();
        } catch (SyntaxError e) {
            commands.getErr().println("error: cannot read '" + text + "': " + e.getMessage());
            commands.getErr().flush();
            return 2;
        }
        return commands.execute(words.stream().filter(w -> !w.isEmpty()).toArray(String[]::new));
    }
}
