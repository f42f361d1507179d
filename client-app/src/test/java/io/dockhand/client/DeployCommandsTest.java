package io.dockhand.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dockhand deploy}, {@code deployments}, {@code deployment}, {@code logs NAME}, {@code update},
 * {@code rollback} and {@code destroy} against the real store in this JVM and real git repositories (JGit's
 * daemon in this JVM); the test plays the one node's agent, a swarm manager, through the work protocol: it claims
 * the build run, reports building, appends the build log, reports the pushed image; it claims the serve run and
 * reports the service running, as the real agent does ({@link RunStore}).
 */
class DeployCommandsTest {
    @TempDir
    static Path dir;
    static RunStore store;
    static GitRepos git;
    static RunStore.Agent manager;

    @BeforeAll
    static void start() throws Exception {
        store = RunStore.start(dir, Map.of("store.nodes.downafter", "3s"));
        Path repos = Files.createDirectories(dir.resolve("repos"));
        git = new GitRepos(repos);
        manager = store.agent("manager");
    }

    @AfterAll
    static void stop() {
        if (manager != null) {
            manager.close();
        }
        if (git != null) {
            git.close();
        }
        if (store != null) {
            store.close();
        }
    }

    static String manifest(String name, int port, String lang) {
        return """
                [app]
                name = "%s"
                version = "1.0"
                author = "tests"
                endpoint = "/hello"

                [config]
                port = %d
                lang = "%s"
                run = "python3 app.py"
                replicas = 2
                """.formatted(name, port, lang);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    static int port() {
        return 20000 + (int) (Math.random() * 20000);
    }

    /** A repository with a python app and its manifest; its URL. */
    static String app(String name, int port) throws Exception {
        git.create(name);
        git.commit(name, Map.of("dockhand.toml", manifest(name, port, "python"), "app.py", "print('v1')\n"));
        return git.url(name);
    }

    static Cli.Result client(String... args) {
        return store.client(args);
    }

    /** Runs the client in another thread (it follows while the test plays the agent). */
    static CompletableFuture<Cli.Result> background(String... args) {
        return CompletableFuture.supplyAsync(() -> client(args), work -> Thread.ofPlatform().start(work));
    }

    static Cli.Result done(CompletableFuture<Cli.Result> command) throws Exception {
        return command.get(60, TimeUnit.SECONDS);
    }

    /** Claims as the manager until a run of deployment {@code name} doing {@code op} comes; others are ended. */
    static JsonNode claim(String name, String op) throws Exception {
        for (int i = 0; i < 20; i++) {
            JsonNode run = manager.claim();
            JsonNode deploy = run.path("deploy");
            if (name.equals(deploy.path("deployment").asText()) && op.equals(deploy.path("op").asText())) {
                return run;
            }
            manager.report(run, "remove".equals(deploy.path("op").asText()) ? "succeeded" : "failed",
                           "remove".equals(deploy.path("op").asText()) ? "\"exitCode\":0"
                                   : "\"reason\":\"not this test's\"");
        }
        throw new AssertionError("no " + op + " run of " + name + " was handed out");
    }

    /** Plays the build: building at its commit, a line of build log, pushing, pushed; the image reported. */
    static String build(String name, String logLine) throws Exception {
        JsonNode run = claim(name, "build");
        manager.report(run, "building", "\"commit\":\"" + run.path("git").path("ref").asText() + "\"");
        manager.append(run, 1, "build", logLine + "\n");
        manager.report(run, "running", null);
        String image = run.path("deploy").path("repository").asText() + "@sha256:"
                + UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        manager.report(run, "succeeded", "\"exitCode\":0,\"imageId\":\"" + image + "\"");
        return image;
    }

    /** Plays the serve run: the service is healthy; the run is held (its lease kept by the heartbeats). */
    static JsonNode serve(String name) throws Exception {
        JsonNode run = claim(name, "serve");
        manager.report(run, "running", null);
        return run;
    }

    /** Deploys {@code name} from a fresh repository and plays it to running; the image. */
    static String deployed(String name, int port) throws Exception {
        String repo = app(name, port);
        CompletableFuture<Cli.Result> deploy = background("deploy", repo);
        String image = build(name, "Step 1/4 : FROM dockhand/python");
        serve(name);
        Cli.Result result = done(deploy);
        assertThat(result.code()).as(result.err()).isZero();
        return image;
    }

    static JsonNode deployment(String name) throws Exception {
        return store.send("GET", "/api/v1/deployments/" + name, null);
    }

    @Test
    void deployFollowsTheBuildLogThenPrintsWhereTheAppAnswersOnceItRuns() throws Exception {
        String name = unique("web");
        int port = port();
        String repo = app(name, port);
        CompletableFuture<Cli.Result> deploy = background("deploy", repo, "--branch", "main");
        String image = build(name, "Step 1/4 : FROM dockhand/python");
        assertThat(deploy).as("still waiting for the service").isNotDone();
        serve(name);
        Cli.Result result = done(deploy);

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("Step 1/4 : FROM dockhand/python")
                .endsWith(name + " is running: http://10.0.0.7:" + port + "/hello\n");
        assertThat(result.err()).startsWith("deploying " + name + " revision 1: " + repo + " branch main at ")
                .contains(name + ": pushing").contains(name + ": starting").contains(name + ": running");
        assertThat(deployment(name).path("image").asText()).isEqualTo(image);
    }

    @Test
    void deployDetachedPrintsTheNameAndReturnsWhileItBuilds() throws Exception {
        String name = unique("det");
        Cli.Result result = client("deploy", app(name, port()), "--detach", "--name", name);
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo(name + "\n");
        assertThat(deployment(name).path("status").asText()).isIn("building", "cloning");
    }

    @Test
    void aBuildThatFailsEndsTheDeployWithTheStepAndTheReasonAndExitOne() throws Exception {
        String name = unique("broken");
        CompletableFuture<Cli.Result> deploy = background("deploy", app(name, port()));
        JsonNode run = claim(name, "build");
        manager.report(run, "building", "\"commit\":\"" + run.path("git").path("ref").asText() + "\"");
        manager.append(run, 1, "build", "E: Unable to locate package nope\n");
        manager.report(run, "failed", "\"reason\":\"the build failed: apt-get returned 100\"");
        Cli.Result result = done(deploy);

        assertThat(result.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(result.out()).contains("E: Unable to locate package nope").doesNotContain("is running");
        assertThat(result.err()).contains(name + " failed at building: ")
                .contains("the build failed: apt-get returned 100");
        Cli.Result shown = client("deployment", name);
        assertThat(shown.out()).containsPattern("status +failed at building\n")
                .containsPattern("reason +[^\n]*apt-get returned 100\n(?: +[^\n]*\n)* +E: Unable to locate package nope\n");
    }

    @Test
    void deploymentsListsThemAndDeploymentShowsOneWithItsHistory() throws Exception {
        String name = unique("list");
        int port = port();
        CompletableFuture<Cli.Result> deploy = background("deploy", app(name, port));
        String image = build(name, "Step 1/4 : FROM dockhand/python");
        JsonNode serve = serve(name);
        assertThat(done(deploy).code()).isZero();
        // swarm says one of the two replicas failed
        store.send("POST", "/api/v1/deployments/" + name + "/observations", "{\"runId\":\""
                + serve.path("id").asText() + "\",\"image\":\"" + image + "\",\"wanted\":2,\"running\":1,"
                + "\"tasks\":[{\"id\":\"t2\",\"node\":\"n2\",\"slot\":2,\"state\":\"failed\","
                + "\"desiredState\":\"running\",\"error\":\"node down\"}]}");
        String commit = deployment(name).path("commit").asText();

        Cli.Result list = client("deployments");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow())
                .matches("NAME +STATUS +REPLICAS +CPU +MEMORY +PORT +REVISION +COMMIT +UPDATED");
        assertThat(list.out().lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow())
                .matches(name + " +running +1/2 +- +- +" + port + " +1 +" + commit.substring(0, 12)
                                 + " +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        Cli.Result json = client("deployments", "--json");
        assertThat(RunStore.MAPPER.readTree(json.out()).path("items").findValuesAsText("name")).contains(name);

        Cli.Result one = client("deployment", name);
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(one.out()).containsPattern("status +running\n").containsPattern("commit +" + commit + "\n")
                .containsPattern("replicas +1/2 running\n").containsPattern("port +" + port + "/hello\n")
                .containsPattern("lang +python\n")
                .containsPattern("usage +unknown \\(no live node reports a container of it\\)\n");
        String history = one.out().substring(one.out().indexOf("history"));
        assertThat(history.lines().skip(2).map(l -> l.split(" +")[1]).toList())
                .containsSubsequence("requested", "validating", "building", "pushing", "starting", "running");
        assertThat(history.lines().skip(2)).allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ .*"));

        // a node's agent says what the deployment's replica there uses (the store sums the live nodes' figures)
        store.send("PUT", "/api/v1/nodes/use-node", "{\"hostname\":\"use-node\",\"leases\":[],\"deployments\":[{"
                + "\"name\":\"" + name + "\",\"containers\":1,\"cpuPercent\":12.34,\"memoryBytes\":104857600}]}");
        Cli.Result used = client("deployment", name);
        assertThat(used.out()).containsPattern("usage +cpu 12\\.3%, mem 100\\.0MiB \\(1 container\\)\n");
        assertThat(client("deployments").out().lines().filter(l -> l.startsWith(name + " ")).findFirst()
                           .orElseThrow()).matches(name + " +running +1/2 +12\\.3% +100\\.0MiB +" + port + " .*");

        Cli.Result missing = client("deployment", "no-such-app");
        assertThat(missing.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(missing.err()).isEqualTo("error: Deployment not found: No deployment 'no-such-app'. (GET "
                + store.base() + "/api/v1/deployments/no-such-app)\n");
    }

    @Test
    void logsOfANameAreTheBuildLogThenTheServicesOutputAndARunIdStillWorks() throws Exception {
        String name = unique("logs");
        String repo = app(name, port());
        CompletableFuture<Cli.Result> deploy = background("deploy", repo);
        build(name, "Step 1/4 : FROM dockhand/python");
        JsonNode serve = serve(name);
        assertThat(done(deploy).code()).isZero();
        manager.append(serve, 1, "stdout", "GET /hello 200\n");

        Cli.Result logs = client("logs", name);
        assertThat(logs.code()).as(logs.err()).isZero();
        assertThat(logs.out()).contains("the build of revision 1").contains("Step 1/4 : FROM dockhand/python")
                .contains("the service dh-" + name).contains("GET /hello 200");
        assertThat(logs.out().indexOf("Step 1/4")).isLessThan(logs.out().indexOf("GET /hello 200"));

        Cli.Result run = client("logs", serve.path("id").asText().substring(0, 8));
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("GET /hello 200").doesNotContain("Step 1/4");

        Cli.Result neither = client("logs", "nothing-here");
        assertThat(neither.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(neither.err()).isEqualTo("error: no deployment named nothing-here\n");
    }

    @Test
    void logsFollowedKeepPrintingTheServicesOutputUntilItsServeRunEnds() throws Exception {
        String name = unique("follow");
        String repo = app(name, port());
        CompletableFuture<Cli.Result> deploy = background("deploy", repo);
        build(name, "Step 1/4 : FROM dockhand/python");
        JsonNode serve = serve(name);
        assertThat(done(deploy).code()).isZero();

        CompletableFuture<Cli.Result> logs = background("logs", name, "-f");
        manager.append(serve, 1, "stdout", "first request\n");
        Thread.sleep(1500);
        manager.append(serve, 2, "stdout", "second request\n");
        Thread.sleep(500);
        assertThat(logs).as("following while the service runs").isNotDone();
        manager.report(serve, "cancelled", "\"reason\":\"cancelled: the deployment moved on\"");
        Cli.Result followed = done(logs);
        assertThat(followed.code()).as(followed.err()).isZero();
        assertThat(followed.out()).contains("Step 1/4").contains("first request\nsecond request\n");
    }

    @Test
    void updateSaysUpToDateThenFollowsANewCommitToRunning() throws Exception {
        String name = unique("upd");
        int port = port();
        String first = deployed(name, port);

        Cli.Result same = client("update", name);
        assertThat(same.code()).as(same.err()).isZero();
        assertThat(same.out()).startsWith(name + " is up to date (branch main is still at ")
                .contains("nothing to update");
        assertThat(deployment(name).path("revision").asInt()).isEqualTo(1);

        String commit = git.commit(name, Map.of("dockhand.toml", manifest(name, port, "python"), "app.py",
                                                "print('v2')\n"));
        CompletableFuture<Cli.Result> update = background("update", name);
        String second = build(name, "Step 1/4 : FROM dockhand/python (v2)");
        serve(name);
        Cli.Result result = done(update);
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.err()).startsWith("updating " + name + " revision 2: ").contains(commit.substring(0, 12));
        assertThat(result.out()).contains("(v2)").endsWith(name + " is running: http://10.0.0.7:" + port
                                                                   + "/hello\n");
        JsonNode now = deployment(name);
        assertThat(now.path("image").asText()).isEqualTo(second);
        assertThat(now.path("previousImage").asText()).isEqualTo(first);

        Cli.Result back = client("rollback", name);
        assertThat(back.code()).as(back.err()).isZero();
        assertThat(back.out()).isEqualTo(name + " rolling back to " + first + " (revision 3)\n");
        assertThat(claim(name, "serve").path("deploy").path("service").path("image").asText()).isEqualTo(first);
    }

    @Test
    void anUpdateWhoseBuildFailsSaysSoAndThatTheRevisionBeforeStillRuns() throws Exception {
        String name = unique("keep");
        int port = port();
        String first = deployed(name, port);
        git.commit(name, Map.of("dockhand.toml", manifest(name, port, "python"), "app.py", "print('v2')\n"));
        CompletableFuture<Cli.Result> update = background("update", name);
        JsonNode run = claim(name, "build");
        manager.report(run, "building", "\"commit\":\"" + run.path("git").path("ref").asText() + "\"");
        manager.report(run, "failed", "\"reason\":\"the build failed: pip returned 1\"");
        Cli.Result result = done(update);

        assertThat(result.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(result.out()).doesNotContain("is running");
        assertThat(result.err()).contains(name + ": the update failed at building: ")
                .contains("pip returned 1").contains("(" + name + " still runs " + first + ")");
        assertThat(deployment(name).path("status").asText()).isEqualTo("running");
    }

    @Test
    void destroyRefusesWithoutATerminalOrYesAsksAtATerminalAndGoesWithYes() throws Exception {
        String name = unique("gone");
        deployed(name, port());

        Cli.Result refused = client("destroy", name);
        assertThat(refused.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("--yes").doesNotContain("\n\n");
        assertThat(deployment(name).path("status").asText()).isEqualTo("running");

        java.util.List<String> asked = new java.util.ArrayList<>();
        Cli.Result declined = Cli.run(Cli.session(store.env(), "", dir).withAsker(q -> {
            asked.add(q);
            return "n";
        }), "destroy", name);
        assertThat(asked).singleElement().asString().contains("Destroy deployment " + name);
        assertThat(declined.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(declined.err()).isEqualTo(name + " not destroyed\n");
        assertThat(deployment(name).path("status").asText()).isEqualTo("running");

        Cli.Result confirmed = Cli.run(Cli.session(store.env(), "", dir).withAsker(q -> "yes"), "destroy", name);
        assertThat(confirmed.code()).as(confirmed.err()).isZero();
        assertThat(confirmed.out()).isEqualTo(name + " destroying: a manager removes its service and images\n");
        assertThat(deployment(name).path("status").asText()).isEqualTo("destroying");
        manager.report(claim(name, "remove"), "succeeded", "\"exitCode\":0");
        assertThat(deployment(name).path("status").asText()).isEqualTo("destroyed");
    }

    @Test
    void destroyWithYesDoesNotAsk() throws Exception {
        String name = unique("yes");
        deployed(name, port());
        Cli.Result result = Cli.run(Cli.session(store.env(), "", dir).withAsker(q -> {
            throw new AssertionError("asked: " + q);
        }), "destroy", name, "--yes");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(deployment(name).path("status").asText()).isEqualTo("destroying");
    }

    @Test
    void refusalsAreOneLineWithTheReasonAndTheirExitCode() throws Exception {
        String name = unique("bad");
        git.create(name);
        git.commit(name, Map.of("dockhand.toml", manifest(name, 8080, "ruby")));
        Cli.Result invalid = client("deploy", git.url(name));
        assertThat(invalid.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(invalid.err()).startsWith("error: Invalid manifest: dockhand.toml line 9: lang")
                .endsWith("(POST " + store.base() + "/api/v1/deployments)\n").hasLineCount(1);
        assertThat(invalid.out()).isEmpty();

        String taken = unique("taken");
        int port = port();
        deployed(taken, port);
        String other = unique("other");
        Cli.Result sameName = client("deploy", app(other, port() + 1), "--name", taken);
        assertThat(sameName.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(sameName.err()).contains(taken).containsIgnoringCase("taken").hasLineCount(1);

        Cli.Result badName = client("deploy", git.url(other), "--name", "Not_A_Name");
        assertThat(badName.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badName.err()).contains("'Not_A_Name' is not a deployment's name");

        Map<String, String> nowhere = new HashMap<>(store.env());
        nowhere.put("DOCKHAND_SERVER", "http://127.0.0.1:" + Stores.closedPort());
        nowhere.put("DOCKHAND_TIMEOUT", "1s");
        for (String[] args : new String[][] {{"deploy", git.url(other)}, {"deployments"}, {"deployment", taken},
                {"update", taken}, {"rollback", taken}, {"destroy", taken, "--yes"}, {"logs", taken}}) {
            Cli.Result unreachable = store.client(nowhere, args);
            assertThat(unreachable.code()).as(String.join(" ", args) + ": " + unreachable.err())
                    .isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(unreachable.err()).contains(nowhere.get("DOCKHAND_SERVER")).hasLineCount(1);
        }

        Map<String, String> noToken = new HashMap<>(store.env());
        noToken.remove("DOCKHAND_TOKEN");
        noToken.put("DOCKHAND_TOKEN_FILE", dir.resolve("no-token").toString());
        Cli.Result tokenless = store.client(noToken, "deploy", git.url(other));
        assertThat(tokenless.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(tokenless.err()).contains("cluster token");
    }
}
