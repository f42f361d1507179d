package io.dockhand.client;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Starts the client: {@code java -jar client-app.jar [command] [options]}. */
public final class Main {
    private Main() {
    }

    /**
     * Runs the command the arguments name (or the prompt, or the lines on stdin) and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, Session.current(), System.out, System.err));
    }

    /** Runs {@code args} in {@code session}, writing to {@code out} and {@code err}; returns the exit code. */
    static int run(String[] args, Session session, PrintStream out, PrintStream err) {
        PrintWriter stdout = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter stderr = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            return ClientCommand.commandLine(session, false, stdout, stderr).execute(args);
        } finally {
            stdout.flush();
            stderr.flush();
        }
    }
}
