package io.dockhand.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.dockhand.server.databases.Directories;
import io.dockhand.server.databases.TestDatabase;
import io.dockhand.server.deployments.GitRepos;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.dockhand.server.AbstractBadInputTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deployments (issue 13) against a real store and real git repositories (JGit's daemon in this JVM), the test
 * playing the agents: a worker that builds and pushes, a manager that serves and removes. What a deploy validates
 * before anything is built, how each step of the build, serve and remove runs becomes the deployment's status and
 * history, update (and the no-op), rollback, a failed build, a serve run whose manager goes silent, destroy; and a
 * deployment's resource use, summed from what the live nodes' heartbeats say.
 */
abstract class AbstractDeploymentsTest {
    static final String TOKEN = "deploy-token-for-tests";
    private static Path dir;
    private static StoreServer server;
    private static GitRepos git;
    private static Map<String, String> storeConfig;
    static WorkClient work;
    static WorkClient anonymous;

    @BeforeAll
    static void start(TestDatabase database) throws Exception {
        dir = Files.createTempDirectory("dockhand-deployments");
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Map<String, String> store = new HashMap<>(database.storeConfig());
        store.put("tokenfile", tokenFile.toString());
        store.put("nodes.downafter", "30s");
        store.put("runs.lease", "6s");
        store.put("deployments.registry", "127.0.0.1:15000");
        storeConfig = Map.copyOf(store);
        server = StoreServer.start(StoreServerExtension.config(store));
        Http http = new Http(server.port());
        work = new WorkClient(http, TOKEN);
        anonymous = new WorkClient(http, null);
        git = new GitRepos();
    }

    @AfterAll
    static void stop() throws Exception {
        if (git != null) {
            git.close();
        }
        if (server != null) {
            server.close();
        }
        Directories.deleteTree(dir);
    }

    static String manifest(String name, int port, String lang) {
        return """
                [app]
                name = "%s"
                version = "1.0"
                author = "tests"
                endpoint = "/"

                [config]
                port = %d
                lang = "%s"
                run = "python3 app.py"
                replicas = 2
                """.formatted(name, port, lang);
    }

    /** A repository with a python app and its manifest: its URL. */
    static String app(String name, int port) throws Exception {
        git.create(name);
        git.commit(name, "main", Map.of("dockhand.toml", manifest(name, port, "python"), "app.py", "print('v1')\n"));
        return git.url(name);
    }

    static Http.Answer deploy(String repo, String name) {
        return work.postJson("/api/v1/deployments", "{\"repo\":\"" + repo + "\""
                + (name == null ? "" : ",\"name\":\"" + name + "\"") + "}");
    }

    static JsonNode deployment(String name) {
        Http.Answer answer = work.get("/api/v1/deployments/" + name);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    static int port() {
        return 20000 + (int) (Math.random() * 20000);
    }

    /** Claims as {@code node} until a run of deployment {@code name} (op) is handed out; others are ended. */
    static JsonNode claimDeploy(String node, String role, String name, String op) {
        return claimDeploy(node, role, name, op, "");
    }

    static JsonNode claimDeploy(String node, String role, String name, String op, String query) {
        for (int i = 0; i < 30; i++) {
            assertThat(work.heartbeat(node, null, role).status()).isEqualTo(200);
            Http.Answer claim = work.post("/api/v1/nodes/" + node + "/claim?wait=2s" + query);
            if (claim.status() != 200) {
                continue;
            }
            JsonNode run = claim.json().get("run");
            if (name.equals(run.path("deploy").path("deployment").asText())
                    && op.equals(run.path("deploy").path("op").asText())) {
                return run;
            }
            work.report(run.get("id").asText(), node, run.get("attempt").asInt(), "failed", "\"reason\":\"not mine\"");
        }
        throw new AssertionError("no " + op + " run of " + name + " was handed to " + node);
    }

    static JsonNode run(String id) {
        return work.get("/api/v1/runs/" + id).json();
    }

    static void report(JsonNode run, String node, String state, String extra) {
        Http.Answer answer = work.report(run.get("id").asText(), node, run.get("attempt").asInt(), state, extra);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    /** Plays the worker building and pushing: the image reference it reports. */
    static String build(String name, String node) {
        JsonNode run = claimDeploy(node, "worker", name, "build");
        String image = run.get("deploy").get("repository").asText() + "@sha256:"
                + UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
        report(run, node, "building", "\"commit\":\"" + run.get("git").get("ref").asText() + "\"");
        report(run, node, "running", null);
        report(run, node, "succeeded", "\"exitCode\":0,\"imageId\":\"" + image + "\"");
        return image;
    }

    @Test
    void aDeployIsValidatedBeforeAnythingIsBuilt() throws Exception {
        String name = unique("bad");
        assertProblem(deploy("git://127.0.0.1:9/nothing.git", null), 422, "repo-unreachable", "nothing.git");
        String repo = app(name, port());
        assertProblem(work.postJson("/api/v1/deployments", "{\"repo\":\"" + repo + "\",\"branch\":\"nope\"}"), 422,
                      "branch-not-found", "nope");
        git.create(name + "-none");
        git.commit(name + "-none", "main", Map.of("README", "no manifest\n"));
        assertProblem(deploy(git.url(name + "-none"), null), 422, "manifest-missing", "dockhand.toml");
        git.create(name + "-broken");
        git.commit(name + "-broken", "main", Map.of("dockhand.toml", manifest(name, 8080, "ruby")));
        assertProblem(deploy(git.url(name + "-broken"), null), 422, "manifest-invalid", "dockhand.toml line 9: lang");
        assertProblem(anonymous.postJson("/api/v1/deployments", "{\"repo\":\"" + repo + "\"}"), 401,
                      "token-required", "token");
        assertProblem(deploy(repo, "Not_A_Name"), 422, "invalid-body", "name");
        // its gateway service is dh-NAME-gw: a deployment named NAME-gw would take that service's name
        assertProblem(deploy(repo, name + "-gw"), 422, "invalid-body", "not ending in '-gw'");
        assertProblem(work.get("/api/v1/deployments/" + name), 404, "deployment-not-found", name);
    }

    @Test
    void aDeploymentGoesThroughEveryStepToRunningAndKeepsItsHistory() throws Exception {
        String name = unique("app");
        int port = port();
        String repo = app(name, port);
        work.heartbeat("d-worker", null, "worker");
        Http.Answer created = deploy(repo, null);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("status").asText()).isEqualTo("building");
        assertThat(created.json().get("publishedPort").asInt()).isEqualTo(port);
        assertProblem(deploy(repo, null), 409, "name-taken", name);
        String other = unique("other");
        git.create(other);
        git.commit(other, "main", Map.of("dockhand.toml", manifest(other, port, "python"), "app.py", "x\n"));
        assertProblem(deploy(git.url(other), null), 409, "port-taken", name);

        JsonNode build = claimDeploy("d-worker", "worker", name, "build");
        assertThat(build.get("git").get("repo").asText()).isEqualTo(repo);
        assertThat(build.get("git").get("ref").asText()).isEqualTo(created.json().get("commit").asText());
        assertThat(build.get("deploy").get("repository").asText()).isEqualTo("127.0.0.1:15000/dockhand/" + name);
        assertThat(build.get("deploy").get("dockerfileText").asText()).contains("python3");
        assertThat(build.get("dockerfile").asText()).isEqualTo("Dockerfile.dockhand");
        assertThat(deployment(name).get("status").asText()).isEqualTo("cloning");
        report(build, "d-worker", "building", null);
        assertThat(deployment(name).get("status").asText()).isEqualTo("building");
        report(build, "d-worker", "running", null);
        assertThat(deployment(name).get("status").asText()).isEqualTo("pushing");
        String image = "127.0.0.1:15000/dockhand/" + name + "@sha256:" + "a".repeat(64);
        report(build, "d-worker", "succeeded", "\"exitCode\":0,\"imageId\":\"" + image + "\"");
        JsonNode starting = deployment(name);
        assertThat(starting.get("status").asText()).isEqualTo("starting");
        assertThat(starting.get("image").asText()).isEqualTo(image);

        // only a manager's agent is handed the service
        work.heartbeat("d-worker", null, "worker");
        Http.Answer none = work.claim("d-worker", "0s");
        assertThat(none.status() == 204 || !name.equals(none.json().path("run").path("deploy")
                .path("deployment").asText())).isTrue();
        JsonNode serve = claimDeploy("d-manager", "manager", name, "serve");
        JsonNode spec = serve.get("deploy").get("service");
        assertThat(spec.get("name").asText()).isEqualTo("dh-" + name);
        assertThat(spec.get("image").asText()).isEqualTo(image);
        assertThat(spec.get("replicas").asInt()).isEqualTo(2);
        assertThat(spec.get("publishedPort").asInt()).isEqualTo(port);
        assertThat(spec.get("publish").asText()).isEqualTo("gateway");
        report(serve, "d-manager", "running", null);
        JsonNode running = deployment(name);
        assertThat(running.get("status").asText()).isEqualTo("running");
        assertThat(running.get("replicasRunning").asInt()).isEqualTo(2);
        assertThat(running.get("history").findValuesAsText("status")).containsSubsequence("requested", "validating",
                "building", "cloning", "building", "pushing", "starting", "running");

        // what swarm says goes into the history when it changes
        Http.Answer seen = work.postJson("/api/v1/deployments/" + name + "/observations", "{\"runId\":\""
                + serve.get("id").asText() + "\",\"node\":\"d-manager\",\"attempt\":1,\"image\":\"" + image
                + "\",\"wanted\":2,\"running\":1,\"tasks\":[{\"id\":\"t2\",\"node\":\"n2\",\"slot\":2,\"state\":"
                + "\"failed\",\"desiredState\":\"running\",\"error\":\"node down\"}]}");
        assertThat(seen.status()).as(seen.body()).isEqualTo(204);
        JsonNode degraded = deployment(name);
        assertThat(degraded.get("replicasRunning").asInt()).isEqualTo(1);
        assertThat(degraded.get("history").findValuesAsText("detail")).anyMatch(d -> d.contains("1/2 replicas")
                && d.contains("node down"));

        // update: a new commit is built and served; the old serve run is told to stop
        String second = git.commit(name, "main", Map.of("dockhand.toml", manifest(name, port, "python"), "app.py",
                                                        "print('v2')\n"));
        Http.Answer update = work.post("/api/v1/deployments/" + name + "/update");
        assertThat(update.status()).as(update.body()).isEqualTo(202);
        assertThat(deployment(name).get("status").asText()).isEqualTo("updating");
        String image2 = build(name, "d-worker");
        JsonNode beat = work.heartbeat("d-manager", "[{\"runId\":\"" + serve.get("id").asText()
                + "\",\"attempt\":1}]", "manager").json();
        assertThat(beat.get("stop").toString()).contains("cancelled");
        report(serve, "d-manager", "cancelled", null);
        JsonNode serve2 = claimDeploy("d-manager", "manager", name, "serve");
        assertThat(serve2.get("deploy").get("service").get("image").asText()).isEqualTo(image2);
        report(serve2, "d-manager", "running", null);
        JsonNode updated = deployment(name);
        assertThat(updated.get("status").asText()).isEqualTo("running");
        assertThat(updated.get("commit").asText()).isEqualTo(second);
        assertThat(updated.get("revision").asInt()).isEqualTo(2);
        assertThat(updated.get("previousImage").asText()).isEqualTo(image);
        Http.Answer again = work.post("/api/v1/deployments/" + name + "/update");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("updated").asBoolean()).isFalse();

        // rollback: the previous image, served the same way
        Http.Answer back = work.post("/api/v1/deployments/" + name + "/rollback");
        assertThat(back.status()).as(back.body()).isEqualTo(202);
        JsonNode serve3 = claimDeploy("d-manager", "manager", name, "serve");
        assertThat(serve3.get("deploy").get("service").get("image").asText()).isEqualTo(image);
        report(serve3, "d-manager", "running", null);
        JsonNode rolled = deployment(name);
        assertThat(rolled.get("status").asText()).isEqualTo("rolled-back");
        assertThat(rolled.get("image").asText()).isEqualTo(image);

        // logs: the build's, then the service's
        work.append(serve3.get("id").asText(), "d-manager", 1, 1, "stdout", "serving on " + port + "\n");
        Http.Answer logs = work.get("/api/v1/deployments/" + name + "/logs");
        assertThat(logs.status()).isEqualTo(200);
        assertThat(logs.body()).contains("the build of revision").contains("serving on " + port);

        // destroy: a manager removes it; the port and the name are free again
        Http.Answer destroy = work.http.send(work.request("/api/v1/deployments/" + name).DELETE());
        assertThat(destroy.status()).as(destroy.body()).isEqualTo(202);
        assertThat(deployment(name).get("status").asText()).isEqualTo("destroying");
        JsonNode remove = claimDeploy("d-manager", "manager", name, "remove");
        assertThat(remove.get("deploy").get("service").get("name").asText()).isEqualTo("dh-" + name);
        report(remove, "d-manager", "succeeded", "\"exitCode\":0");
        assertThat(deployment(name).get("status").asText()).isEqualTo("destroyed");
        Http.Answer reuse = deploy(repo, null);
        assertThat(reuse.status()).as("the name and the port are free again: %s", reuse.body()).isEqualTo(201);
        assertThat(reuse.json().get("history")).as("a new history").hasSizeLessThan(5);
    }

    @Test
    void aFailedBuildEndsTheDeploymentFailedAtItsStepWithTheLog() throws Exception {
        String name = unique("fails");
        String repo = app(name, port());
        work.heartbeat("d-worker2", null, "worker");
        assertThat(deploy(repo, null).status()).isEqualTo(201);
        JsonNode build = claimDeploy("d-worker2", "worker", name, "build");
        report(build, "d-worker2", "building", null);
        work.append(build.get("id").asText(), "d-worker2", 1, 1, "build", "E: Unable to locate package nope\n");
        report(build, "d-worker2", "failed", "\"reason\":\"the build failed: apt-get returned 100\"");
        JsonNode failed = deployment(name);
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.get("failedStep").asText()).isEqualTo("building");
        assertThat(failed.get("reason").asText()).contains("apt-get returned 100").contains("Unable to locate");
    }

    @Test
    void aServeRunWhoseManagerGoesSilentIsTakenUpByAnotherManager() throws Exception {
        String name = unique("ha");
        String repo = app(name, port());
        work.heartbeat("d-worker3", null, "worker");
        assertThat(deploy(repo, null).status()).isEqualTo(201);
        build(name, "d-worker3");
        // a manager whose slots are busy still takes deployment runs, and only those, with only=managed
        assertThat(work.heartbeat("d-mgr-a", null, "manager").status()).isEqualTo(200);
        assertThat(work.submit("?node=d-mgr-a", WorkClient.context("busy")).status()).isEqualTo(201);
        JsonNode serve = claimDeploy("d-mgr-a", "manager", name, "serve", "&only=managed");
        assertThat(run(serve.get("id").asText()).get("state").asText()).isEqualTo("assigned");
        assertThat(work.get("/api/v1/runs?node=d-mgr-a&state=queued").json().get("items")).as("its own run waits")
                .hasSize(1);
        assertProblem(work.post("/api/v1/nodes/d-mgr-a/claim?only=all"), 400, "invalid-parameter", "managed");
        report(serve, "d-mgr-a", "running", null);
        // d-mgr-a goes silent: its lease (6 s) expires, the run is queued for any manager again
        JsonNode again = claimDeploy("d-mgr-b", "manager", name, "serve");
        assertThat(again.get("id").asText()).isEqualTo(serve.get("id").asText());
        assertThat(again.get("attempt").asInt()).isEqualTo(2);
        assertThat(deployment(name).get("history").findValuesAsText("detail"))
                .anyMatch(d -> d.contains("d-mgr-b") && d.contains("again"));
    }

    @Test
    void aReplicaThatMovesWhenItsNodeDiesShowsInTheHistoryByHostName() throws Exception {
        String name = unique("move");
        String repo = app(name, port());
        work.heartbeat("d-worker4", null, "worker");
        assertThat(deploy(repo, null).status()).isEqualTo(201);
        build(name, "d-worker4");
        JsonNode serve = claimDeploy("d-mgr-m", "manager", name, "serve");
        report(serve, "d-mgr-m", "running", null);
        // the manager's agent says what swarm says of its nodes: the worker is down
        String manager = unique("sw-m");
        String worker = unique("sw-w");
        Http.Answer beat = work.put("/api/v1/nodes/d-mgr-m", """
                {"hostname":"d-mgr-m-host","role":"manager","address":"10.0.0.9","cpus":4,"memoryBytes":8589934592,
                 "engineVersion":"28.0.1","agentVersion":"0.1.0","labels":{},"containersRunning":3,"leases":[],
                 "swarmNodeId":"%1$s","swarmNodes":[
                   {"nodeId":"%1$s","hostname":"m-host","role":"manager","state":"ready","availability":"active"},
                   {"nodeId":"%2$s","hostname":"w-host","role":"worker","state":"down","availability":"active"}]}"""
                .formatted(manager, worker));
        assertThat(beat.status()).as(beat.body()).isEqualTo(200);
        String task = "{\"id\":\"%s\",\"node\":\"%s\",\"slot\":%d,\"state\":\"%s\",\"desiredState\":\"%s\"}";
        String lost = task.formatted("t2", worker, 2, "running", "shutdown");
        // swarm wants the worker's replica shut down and starts its replacement on the manager
        observe(name, serve, 1, task.formatted("t1", manager, 1, "running", "running"), lost,
                task.formatted("t3", manager, 2, "starting", "running"));
        observe(name, serve, 2, task.formatted("t1", manager, 1, "running", "running"), lost,
                task.formatted("t3", manager, 2, "running", "running"));
        JsonNode d = deployment(name);
        assertThat(d.get("replicasRunning").asInt()).isEqualTo(2);
        assertThat(d.get("history").findValuesAsText("detail")).containsSubsequence(
                "1/2 replicas running (task 1 on m-host); task 2 on node m-host starting; task 2 on node w-host (down)"
                        + " stopping: swarm wants it shutdown",
                "2/2 replicas running (task 1 on m-host, task 2 on m-host); task 2 on node w-host (down) stopping:"
                        + " swarm wants it shutdown");
    }

    static void observe(String name, JsonNode serve, int running, String... tasks) {
        Http.Answer seen = work.postJson("/api/v1/deployments/" + name + "/observations", "{\"runId\":\""
                + serve.get("id").asText() + "\",\"node\":\"d-mgr-m\",\"attempt\":1,\"image\":\"x\",\"wanted\":2,"
                + "\"running\":" + running + ",\"tasks\":[" + String.join(",", tasks) + "]}");
        assertThat(seen.status()).as(seen.body()).isEqualTo(204);
    }

    static String use(String name, int containers, double cpuPercent, long memoryBytes) {
        return "{\"name\":\"" + name + "\",\"containers\":" + containers + ",\"cpuPercent\":" + cpuPercent
                + ",\"memoryBytes\":" + memoryBytes + "}";
    }

    static void heartbeatWithUse(String node, String deploymentsJson) {
        Http.Answer answer = work.heartbeat(node, null, "worker", deploymentsJson);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    static void assertUse(JsonNode d, double cpuPercent, long memoryBytes, int containers) {
        assertThat(d.get("cpuPercent").asDouble()).as("cpuPercent of %s", d).isEqualTo(cpuPercent);
        assertThat(d.get("memoryBytes").asLong()).as("memoryBytes of %s", d).isEqualTo(memoryBytes);
        assertThat(d.get("measuredContainers").asInt()).as("measuredContainers of %s", d).isEqualTo(containers);
    }

    static void assertUseUnknown(JsonNode d) {
        assertThat(d.has("cpuPercent") || d.has("memoryBytes") || d.has("measuredContainers")).as("use of %s", d)
                .isFalse();
    }

    static JsonNode listed(WorkClient client, String name) {
        Http.Answer answer = client.get("/api/v1/deployments");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        for (JsonNode d : answer.json().get("items")) {
            if (name.equals(d.get("name").asText())) {
                return d;
            }
        }
        throw new AssertionError(name + " is not listed: " + answer.body());
    }

    @Test
    void aDeploymentsResourceUseIsSummedOverTheLiveNodesThatReportIt() throws Exception {
        String name = unique("use");
        String other = unique("use-other");
        long mib = 1024 * 1024;
        work.heartbeat("u-worker", null, "worker");
        assertThat(deploy(app(name, port()), null).status()).isEqualTo(201);
        assertUseUnknown(deployment(name));
        assertUseUnknown(listed(work, name));

        // two nodes run its replicas; another deployment's figures on one of them stay that deployment's
        heartbeatWithUse("u-node1", "[" + use(name, 2, 12.5, 100 * mib) + "]");
        heartbeatWithUse("u-node2", "[" + use(other, 1, 99.0, 7) + "," + use(name, 1, 3.25, 50 * mib) + "]");
        assertUse(deployment(name), 15.75, 150 * mib, 3);
        assertUse(listed(work, name), 15.75, 150 * mib, 3);
        assertUse(listed(anonymous, name), 15.75, 150 * mib, 3);

        // each heartbeat replaces its node's figures
        heartbeatWithUse("u-node2", "[" + use(name, 1, 0.5, 60 * mib) + "]");
        assertUse(deployment(name), 13.0, 160 * mib, 3);

        // a heartbeat without the field (an older agent's) leaves that node's figures unknown: it counts for none
        assertThat(work.heartbeat("u-node2", null, "worker").status()).isEqualTo(200);
        assertUse(deployment(name), 12.5, 100 * mib, 2);

        // once no live node reports it, its use is unknown again
        heartbeatWithUse("u-node1", "[]");
        assertUseUnknown(deployment(name));
        assertUseUnknown(listed(work, name));

        // a node that is down counts for nothing: read through a second replica, whose nodes are down after 2 s
        heartbeatWithUse("u-node1", "[" + use(name, 1, 7.25, 10 * mib) + "]");
        Map<String, String> strict = new HashMap<>(storeConfig);
        strict.put("nodes.downafter", "2s");
        try (StoreServer replica = StoreServer.start(StoreServerExtension.config(strict))) {
            WorkClient reader = new WorkClient(new Http(replica.port()), TOKEN);
            Http.Answer up = reader.get("/api/v1/deployments/" + name);
            assertThat(up.status()).as(up.body()).isEqualTo(200);
            assertUse(up.json(), 7.25, 10 * mib, 1);
            Thread.sleep(2500);
            assertThat(reader.get("/api/v1/nodes/u-node1").json().get("status").asText()).isEqualTo("down");
            assertUseUnknown(reader.get("/api/v1/deployments/" + name).json());
            assertUseUnknown(listed(reader, name));
            // the same rows, read by the replica that still counts u-node1 as up
            assertUse(deployment(name), 7.25, 10 * mib, 1);
        }
    }

    @Test
    void aHeartbeatWithMalformedDeploymentUseIsRefusedAndChangesNothing() throws Exception {
        String name = unique("use-bad");
        heartbeatWithUse("u-bad", "[" + use(name, 1, 4.0, 4096) + "]");
        assertThat(deploy(app(name, port()), null).status()).isEqualTo(201);
        assertUse(deployment(name), 4.0, 4096, 1);
        assertProblem(work.heartbeat("u-bad", null, "worker", "[" + use(name, 1, -1, 4096) + "]"), 422,
                      "invalid-body", name);
        assertProblem(work.heartbeat("u-bad", null, "worker", "[" + use(name, -1, 1, 4096) + "]"), 422,
                      "invalid-body", name);
        assertProblem(work.heartbeat("u-bad", null, "worker", "[" + use(name, 1, 1, -4096) + "]"), 422,
                      "invalid-body", name);
        assertProblem(work.heartbeat("u-bad", null, "worker", "[" + use("Not_A_Name", 1, 1, 1) + "]"), 422,
                      "invalid-body", "name");
        assertProblem(work.heartbeat("u-bad", null, "worker", "[{\"containers\":1}]"), 422, "invalid-body", "name");
        assertProblem(work.heartbeat("u-bad", null, "worker", "[" + use(name, 1, 1, 1) + "," + use(name, 1, 1, 1)
                + "]"), 422, "invalid-body", "twice");
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= 1000; i++) {
            many.append(i == 0 ? "" : ",").append(use("n" + i, 1, 1, 1));
        }
        assertProblem(work.heartbeat("u-bad", null, "worker", many.append(']').toString()), 422, "invalid-body",
                      "1000");
        // the refused heartbeats changed nothing: the node's last accepted figures stand
        assertUse(deployment(name), 4.0, 4096, 1);
    }
}
