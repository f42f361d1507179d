package io.dockhand.client;

import java.time.Duration;
import java.util.concurrent.Callable;

import io.dockhand.client.http.FailoverClient;
import io.dockhand.client.http.JobsApi;
import io.dockhand.client.output.Results;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code jobs results PROJECT [--wait]}: the project's results as they arrive (the store holds each request until
 * one comes), then their aggregate; exits 1 when a task ended dead or cancelled.
 */
@Command(name = "results", mixinStandardHelpOptions = true, versionProvider = ClientCommand.Version.class,
         description = {"Prints the results of PROJECT's tasks, oldest first, as they arrive: task, state, exit "
                 + "code, node, attempts, and the start of its output (or why it failed). Then the aggregate: how "
                 + "many tasks succeeded, were dead-lettered or cancelled, and their exit codes.",
                 "Without --wait, the results there are now; with --wait, every result until the project is "
                         + "finished. --format json prints one result a line, then {\"aggregate\": {...}}."},
         footer = {"", "Exit codes: 0 no task ended dead or cancelled (every task succeeded, with --wait); 1 some "
                 + "did, or the store refused; 2 bad usage; 3 the store unreachable; 130 interrupted."})
final class JobResultsCommand implements Callable<Integer> {
    /**
     * Results per request: a result carries at most 64 KiB of stdout and of stderr, so a page of 100 stays within
     * the 16 MiB the client reads from one answer.
     */
    static final int PAGE = 100;
    /** How long the store holds a request for the next result. */
    static final Duration WAIT = Duration.ofSeconds(30);
    /** An empty answer that came sooner than this was not held: the next request waits this long first. */
    private static final Duration SHORTEST_POLL = Duration.ofSeconds(1);

    @ParentCommand
    JobsCommand jobs;

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PROJECT", description = "The project.")
    String project;

    @Option(names = "--wait", description = "Wait for every task's result (until the project is finished).")
    boolean wait;

    @Override
    public Integer call() throws InterruptedException {
        JobsCommand.project(spec.commandLine(), project);
        Settings settings = jobs.client.settings(options);
        Results results = new Results(spec.commandLine().getOut(), jobs.client.colors(settings), settings.format());
        boolean finished;
        try (FailoverClient http = jobs.client.server(settings)) {
            JobsApi api = new JobsApi(http);
            long after = 0;
            while (true) {
                long asked = System.nanoTime();
                JsonNode page = api.results(project, after, PAGE, wait ? WAIT : Duration.ZERO);
                JsonNode items = page.path("results");
                results.print(items);
                long before = after;
                for (JsonNode item : items) {
                    after = Math.max(after, item.path("seq").asLong());
                }
                if (!items.isEmpty() && after == before) {
                    throw new ExitException(ExitCodes.ERROR, "the store answered results after " + before
                            + " that are not after it, so its results would not end");
                }
                after = Math.max(after, page.path("last").asLong(after));
                finished = page.path("finished").asBoolean(false);
                if (items.isEmpty() && (!wait || finished)) {
                    break;
                }
                long took = System.nanoTime() - asked;
                if (items.isEmpty() && took < SHORTEST_POLL.toNanos()) {
                    Thread.sleep((SHORTEST_POLL.toNanos() - took) / 1_000_000);
                }
            }
        }
        results.aggregate(finished);
        return results.count("dead") + results.count("cancelled") > 0 ? ExitCodes.ERROR : ExitCodes.OK;
    }
}
