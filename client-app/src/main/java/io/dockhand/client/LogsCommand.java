package io.dockhand.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;

import io.dockhand.client.http.DeploymentsApi;
import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.ProblemException;
import io.dockhand.client.http.Reasons;
import io.dockhand.client.http.RunsApi;
import io.dockhand.client.http.Streams;
import io.dockhand.client.output.LogText;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code logs NAME|RUN [-f]}: a deployment's log (its build's, then its service's output), or a run's log (build,
 * output, and the store's own lines), whole or followed. An argument that could be a deployment's name and is not
 * a run id's start of 8 or more hex characters is looked up as a deployment first, then as a run.
 */
@Command(name = "logs", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Prints a deployment's log (its build, then its service's output) or a run's log (its "
                 + "build, its container's output and errors as they were written). With -f, keeps printing as "
                 + "the log grows: a run's until it is over, a deployment's while its service runs."})
final class LogsCommand implements Callable<Integer> {
    /** What a deployment's name looks like (the store's rule). */
    static final String NAME = "[a-z0-9][a-z0-9-]{0,40}";
    /** What only a run id (or its start as 'dockhand runs' shows it) looks like: 8 or more hex characters. */
    static final String RUN_ID = "(?=(?:[^0-9a-f]*[0-9a-f]){8})[0-9a-f-]+";

    @ParentCommand
    ClientCommand client;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME|RUN", description = "A deployment's name, or a run's id or its start as "
            + "'dockhand runs' shows it.")
    String target;

    @Option(names = {"-f", "--follow"}, description = "Follow the log (a run's until it is over, a deployment's "
            + "while its service runs).")
    boolean follow;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = client.settings(options);
        String given = target.strip();
        try (FailoverClient http = client.server(settings)) {
            boolean maybeDeployment = given.matches(NAME) && !given.matches(RUN_ID);
            if (maybeDeployment && deployment(new DeploymentsApi(http), given)) {
                return ExitCodes.OK;
            }
            RunsApi api = new RunsApi(http);
            JsonNode found;
            try {
                found = RunRef.resolve(api, given);
            } catch (ExitException e) {
                if (maybeDeployment) {
                    throw new ExitException(e.code() == ExitCodes.USAGE ? ExitCodes.ERROR : e.code(),
                                            "no deployment named " + given + (e.code() == ExitCodes.USAGE ? ""
                                                    : ", and " + e.getMessage()));
                }
                throw e;
            }
            RunLog.print(api, found.path("id").asText(), follow, spec.commandLine().getOut(), settings.timeout());
            return ExitCodes.OK;
        }
    }

    /** Prints the log of deployment {@code name}; {@code false} when there is no such deployment. */
    private boolean deployment(DeploymentsApi api, String name) throws InterruptedException {
        LogText text = new LogText(spec.commandLine().getOut());
        try (Streams.Opened opened = api.logs(name, follow, null)) {
            InputStream in = opened.body();
            byte[] buffer = new byte[16 << 10];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                text.write(buffer, 0, n);
            }
            return true;
        } catch (ProblemException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted() || e instanceof java.io.InterruptedIOException) {
                throw new InterruptedException("interrupted while reading the log");
            }
            throw new ExitException(ExitCodes.ERROR, "the log of " + name + " broke off: " + Reasons.of(e));
        } finally {
            text.finish();
        }
    }
}
