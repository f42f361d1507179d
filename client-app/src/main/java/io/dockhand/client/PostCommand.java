package io.dockhand.client;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import io.dockhand.client.http.AgentApi;
import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.ProblemException;
import io.dockhand.client.http.RequestFailedException;
import io.dockhand.client.http.ServerApi;
import io.dockhand.client.output.Format;
import io.dockhand.client.output.Json;
import io.dockhand.client.output.Records;
import io.dockhand.client.output.SafeText;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code post}: asks the agent what this container is and stores that. Each post has its own idempotency key, sent
 * again on every retry, so a post made while a replica dies is stored once.
 */
@Command(name = "post", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Has the agent store this container's facts, vouching for them (the record is verified; "
                 + "an agent without a store hands the facts over and they are stored unverified); prints the "
                 + "stored record's id and a one-line summary."})
final class PostCommand implements Callable<Integer> {
    private static final Duration SHORTEST_PERIOD = Duration.ofMillis(100);

    @ParentCommand
    ClientCommand client;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--every", paramLabel = "DURATION",
            description = "Post again every DURATION (such as 5s or 1m) until interrupted; a failed post is "
                    + "reported and the next one is tried.")
    Duration every;

    @Option(names = "--count", paramLabel = "N", description = "With --every: stop after N posts.")
    Integer count;

    @Override
    public Integer call() throws InterruptedException {
        if (count != null && every == null) {
            throw new ParameterException(spec.commandLine(), "--count needs --every");
        }
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1");
        }
        if (every != null && every.compareTo(SHORTEST_PERIOD) < 0) {
            throw new ParameterException(spec.commandLine(), "--every must be at least 100ms");
        }
        Settings settings = client.settings(options);
        PrintWriter out = spec.commandLine().getOut();
        try (FailoverClient agentHttp = client.agent(settings); FailoverClient serverHttp = client.server(settings)) {
            AgentApi agent = new AgentApi(agentHttp);
            ServerApi server = new ServerApi(serverHttp);
            if (every == null) {
                print(postOnce(agent, server), settings, out, false);
                return ExitCodes.OK;
            }
            return repeat(agent, server, settings, out);
        }
    }

    private int repeat(AgentApi agent, ServerApi server, Settings settings, PrintWriter out)
            throws InterruptedException {
        int status = ExitCodes.OK;
        long next = System.nanoTime();
        for (long n = 1; count == null || n <= count; n++) {
            try {
                print(postOnce(agent, server), settings, out, true);
                status = ExitCodes.OK;
            } catch (RequestFailedException e) {
                status = Failures.report(e, spec.commandLine().getErr(), settings.verbose());
            }
            if (count != null && n == count) {
                break;
            }
            next = Math.max(next + every.toNanos(), System.nanoTime());
            TimeUnit.NANOSECONDS.sleep(next - System.nanoTime());
        }
        return status;
    }

    /**
     * One post: the agent stores this container's facts with its word for them (verified); an agent that cannot
     * (an older one, or one without a store) hands over the facts and the client stores them itself (unverified).
     */
    private static JsonNode postOnce(AgentApi agent, ServerApi server) throws InterruptedException {
        String key = UUID.randomUUID().toString();
        try {
            return agent.report(key);
        } catch (ProblemException e) {
            if (e.status() != 404 && e.status() != 405 && e.status() != 501) {
                throw e;
            }
        }
        return server.store(agent.self().body(), key);
    }

    private void print(JsonNode stored, Settings settings, PrintWriter out, boolean stream) {
        if (settings.format() == Format.JSON) {
            out.println(stream ? Json.compact(stored) : Json.pretty(stored));
        } else {
            String id = SafeText.line(stored.path("id").asText());
            out.println(client.colors(settings).bold(id) + "  " + Records.summary(stored));
        }
        out.flush();
    }
}
