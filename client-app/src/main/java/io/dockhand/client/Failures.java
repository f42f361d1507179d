package io.dockhand.client;

import java.io.PrintWriter;

import io.dockhand.client.http.ProblemException;
import io.dockhand.client.http.UnreachableException;

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
        err.println("error: " + message);
        if (verbose) {
            error.printStackTrace(err);
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

    /** Bad usage: the problem, suggestions for a misspelt word, where to read more; exit code 2. */
    static final class Usage implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return ExitCodes.USAGE;
        }
    }
}
