package io.dockhand.client;

import java.io.PrintWriter;

import io.dockhand.client.http.ProblemException;
import io.dockhand.client.http.UnreachableException;
import io.dockhand.client.output.SafeText;

import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Turns whatever ended a command into one line on stderr ({@code error: ...}, the trace only with
 * {@code --verbose}) and an {@link ExitCodes exit code}; the one place errors are mapped.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {
    private final Session session;

    Failures(Session session) {
        this.session = session;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        boolean verbose = verbose(parsed) || session.startup() != null && session.startup().verbose;
        return report(ex, cmd.getErr(), verbose);
    }

    /** Prints the error line (and trace) and says which exit code it means. */
    static int report(Throwable error, PrintWriter err, boolean verbose) {
        int code;
        String message;
        switch (error) {
            case ExitException e -> {
                code = e.code();
                message = e.getMessage();
            }
            case UnreachableException e -> {
                code = ExitCodes.UNREACHABLE;
                message = e.getMessage();
            }
            case ProblemException e -> {
                code = ExitCodes.ERROR;
                message = e.getMessage();
            }
            case InterruptedException e -> {
                code = ExitCodes.INTERRUPTED;
                message = "interrupted";
            }
            default -> {
                code = ExitCodes.ERROR;
                message = error.getMessage() == null ? error.toString()
                        : error.getClass().getSimpleName() + ": " + error.getMessage();
            }
        }
        err.println("error: " + SafeText.line(message));
        if (verbose) {
            java.io.StringWriter trace = new java.io.StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            err.print(SafeText.lines(trace.toString()));
        }
        err.flush();
        return code;
    }

    private static boolean verbose(ParseResult parsed) {
        if (parsed == null) {
            return false;
        }
        if (parsed.hasMatchedOption("--verbose")) {
            return true;
        }
        return parsed.subcommands().stream().anyMatch(Failures::verbose);
    }

    /**
     * Bad usage: one line on stderr with the problem, suggestions for a misspelt word and where to read more
     * ({@code error: ... (see 'dockhand get --help')}); exit code 2.
     */
    static final class Usage implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println(line(ex));
            err.flush();
            return ExitCodes.USAGE;
        }

        static String line(CommandLine.ParameterException ex) {
            StringBuilder line = new StringBuilder("error: ").append(oneLine(ex.getMessage()));
            if (ex instanceof CommandLine.UnmatchedArgumentException unmatched
                    && !unmatched.getSuggestions().isEmpty()) {
                line.append(" (did you mean ").append(String.join(" or ", unmatched.getSuggestions())).append("?)");
            }
            return line.append(" (see '").append(ex.getCommandLine().getCommandSpec().qualifiedName())
                    .append(" --help')").toString();
        }

        private static String oneLine(String message) {
            return message == null ? "bad usage" : message.strip().replaceAll("\\s*\\R\\s*", " ");
        }
    }
}
