package io.dockhand.client;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.dockhand.client.http.AgentApi;
import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.ProblemException;
import io.dockhand.client.http.Reasons;
import io.dockhand.client.http.ServerApi;
import io.dockhand.client.http.Target;
import io.dockhand.client.output.Colors;
import io.dockhand.client.output.Format;
import io.dockhand.client.output.Json;
import io.dockhand.client.output.Table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code status}: every address the client would use, server replicas and agent, asked for its version at once.
 * Exit code 0 when at least one server address and the agent answer (the client can do its work), else 3.
 */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Shows which server and agent addresses are used, whether each answers, and its version.",
                 "Exits with 0 when a server address and the agent answer, else 3."})
final class StatusCommand implements java.util.concurrent.Callable<Integer> {
    private static final Duration LONGEST_PROBE = Duration.ofSeconds(5);

    @ParentCommand
    ClientCommand client;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    /** What one address answered. */
    record Check(String service, String url, String address, String version, String error) {
        boolean ok() {
            return error == null;
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = client.settings(options);
        Duration timeout = settings.timeout().compareTo(LONGEST_PROBE) < 0 ? settings.timeout() : LONGEST_PROBE;
        List<Check> checks = new ArrayList<>();
        try (FailoverClient server = client.server(settings);
             ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor()) {
            checks.addAll(probeAll("server", server, ServerApi.VERSION, timeout, probes));
            if (settings.agent() == null) {
                checks.add(new Check("agent", "", "", null, "no address: no default gateway; set DOCKHAND_AGENT"));
            } else {
                try (FailoverClient agent = client.agent(settings)) {
                    checks.addAll(probeAll("agent", agent, AgentApi.VERSION, timeout, probes));
                }
            }
        }
        print(checks, settings);
        boolean serverOk = checks.stream().anyMatch(c -> c.service().equals("server") && c.ok());
        boolean agentOk = checks.stream().anyMatch(c -> c.service().equals("agent") && c.ok());
        return serverOk && agentOk ? ExitCodes.OK : ExitCodes.UNREACHABLE;
    }

    private static List<Check> probeAll(String service, FailoverClient http, String path, Duration timeout,
                                        ExecutorService probes) throws InterruptedException {
        List<Future<Check>> pending = new ArrayList<>();
        List<Check> checks = new ArrayList<>();
        for (FailoverClient.Resolution resolution : http.resolve()) {
            URI base = resolution.base();
            if (resolution.error() != null) {
                pending.add(java.util.concurrent.CompletableFuture.completedFuture(
                        new Check(service, base.toString(), "", null, resolution.error())));
            }
            for (Target target : resolution.targets()) {
                pending.add(probes.submit(() -> probe(service, http, target, path, timeout)));
            }
        }
        for (Future<Check> check : pending) {
            try {
                checks.add(check.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        return checks;
    }

    private static Check probe(String service, FailoverClient http, Target target, String path, Duration timeout)
            throws InterruptedException {
        String url = target.base().toString();
        try {
            JsonNode version = http.probe(target, path, timeout).json();
            return new Check(service, url, target.addressText(),
                             version.path("name").asText(service) + " " + version.path("version").asText("?"), null);
        } catch (IOException e) {
            return new Check(service, url, target.addressText(), null, Reasons.of(e));
        } catch (ProblemException e) {
            return new Check(service, url, target.addressText(), null, e.getMessage());
        }
    }

    private void print(List<Check> checks, Settings settings) {
        PrintWriter out = spec.commandLine().getOut();
        if (settings.format() == Format.JSON) {
            ObjectNode json = Json.object();
            for (Check check : checks) {
                ArrayNode list = json.has(check.service()) ? (ArrayNode) json.get(check.service())
                        : json.putArray(check.service());
                ObjectNode item = list.addObject().put("url", check.url()).put("address", check.address())
                        .put("ok", check.ok());
                if (check.ok()) {
                    item.put("version", check.version());
                } else {
                    item.put("error", check.error());
                }
            }
            out.println(Json.pretty(json));
            out.flush();
            return;
        }
        Colors colors = client.colors(settings);
        Table table = new Table(List.of("SERVICE", "URL", "ADDRESS", "VERSION", "STATUS"));
        for (Check check : checks) {
            table.row(List.of(check.service(), check.url(), check.address(), check.ok() ? check.version() : "",
                              check.ok() ? "ok" : check.error()));
        }
        table.print(out, colors, (column, padded, value) -> column != 4 ? padded
                : "ok".equals(value) ? colors.green(padded) : colors.red(padded));
    }
}
