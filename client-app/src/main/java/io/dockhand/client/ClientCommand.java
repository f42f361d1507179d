package io.dockhand.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.output.Colors;
import io.dockhand.client.shell.Script;
import io.dockhand.client.shell.Shell;

import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code dockhand} command. With a verb it runs that verb; with none it opens the prompt on a terminal, or runs
 * the lines piped on standard input. Verbs reach the session and their settings through it.
 */
@Command(name = "dockhand",
         mixinStandardHelpOptions = true,
         versionProvider = ClientCommand.Version.class,
         description = {"Reports this container to the Dockhand store, reads what the store knows, and runs "
                 + "folders on the cluster's nodes.",
                 "With no command: a prompt on a terminal (history, TAB completion, help, exit or Ctrl-D), "
                         + "else the lines piped on stdin, one command per line."},
         subcommands = {PostCommand.class, GetCommand.class, ContainersCommand.class, StatusCommand.class,
                 RunCommand.class, RunsCommand.class, LogsCommand.class, CancelCommand.class, NodesCommand.class,
                 JobsCommand.class, CommandLine.HelpCommand.class},
         footer = {"", "Environment: DOCKHAND_SERVER, DOCKHAND_AGENT, DOCKHAND_TIMEOUT, DOCKHAND_HISTORY,",
                 "  NO_COLOR. The cluster token (run, cancel, jobs submit/retry/cancel/settings): DOCKHAND_TOKEN,",
                 "  else the file DOCKHAND_TOKEN_FILE, else /run/secrets/dockhand_token, else",
                 "  ~/.config/dockhand/token.",
                 "Exit codes: 0 ok, 1 error, 2 bad usage, 3 server or agent unreachable,",
                 "  130 interrupted (Ctrl-C) or run cancelled; run exits with its container's code."})
public final class ClientCommand implements Callable<Integer> {
    static final String PROMPT = "dockhand> ";

    private final Session session;
    private final boolean nested;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    private ClientCommand(Session session, boolean nested) {
        this.session = session;
        this.nested = nested;
    }

    /**
     * The command line, with its error handling, writing to {@code out} and {@code err}.
     *
     * @param nested whether it runs lines inside a prompt or script (then a bare line does not open another)
     */
    static CommandLine commandLine(Session session, boolean nested, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new ClientCommand(session, nested));
        cmd.registerConverter(java.time.Duration.class, new Durations());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setExecutionExceptionHandler(new Failures(session));
        cmd.setParameterExceptionHandler(new Failures.Usage());
        cmd.setOut(out);
        cmd.setErr(err);
        return cmd;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (nested) {
            spec.commandLine().usage(out);
            return ExitCodes.OK;
        }
        Session opened = session.withStartup(options.copy());
        Settings.resolve(List.of(opened.startup()), opened);
        if (!session.interactive()) {
            BufferedReader lines = new BufferedReader(new InputStreamReader(session.in(), StandardCharsets.UTF_8));
            return Script.run(lines, commandLine(opened, true, out, err));
        }
        try (Terminal terminal = TerminalBuilder.builder()
                .name("dockhand")
                .system(true)
                .jni(true)
                .ffm(false)
                .exec(true)
                .nativeSignals(true)
                .build()) {
            boolean colour = !Terminal.TYPE_DUMB.equals(terminal.getType())
                    && !Terminal.TYPE_DUMB_COLOR.equals(terminal.getType());
            Session shell = opened.withColour(colour);
            return Shell.run(terminal, commandLine(shell, true, terminal.writer(), err), err, shell.historyFile(),
                             PROMPT);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The settings of a verb run with {@code own} options. */
    Settings settings(ClientOptions own) {
        return Settings.resolve(Arrays.asList(own, options, session.startup()), session);
    }

    Colors colors(Settings settings) {
        return new Colors(settings.colour());
    }

    FailoverClient server(Settings settings) {
        return new FailoverClient("server", settings.servers(), settings.timeout(), session.resolver(), userAgent());
    }

    FailoverClient agent(Settings settings) {
        return new FailoverClient("agent", List.of(settings.requireAgent()), settings.timeout(), session.resolver(),
                                  userAgent());
    }

    Session session() {
        return session;
    }

    static String version() {
        String version = ClientCommand.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    private static String userAgent() {
        return "dockhand-client/" + version();
    }

    /** {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"dockhand-client " + version()};
        }
    }
}
