package io.dockhand.server;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.dockhand.server.databases.Directories;
import io.dockhand.server.databases.TestDatabase;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.dockhand.server.AbstractBadInputTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jobs (issue 12) against a real store, the test playing the agents over HTTP: submitting tasks (one, or JSON lines
 * all or nothing), claims that hand out task attempts as runs, every way an attempt ends (success, failure with
 * retries and dead-lettering, a lost worker, cancel), exactly one result per task on Done, the long-polled results,
 * retry, the project's concurrency, and the seed's queue facade. Leases of 2 s, so expiry happens for real.
 */
abstract class AbstractJobsTest {
    static final String TOKEN = "jobs-token-for-tests";
    private static final String REPO = "git://127.0.0.1:9/repo.git";
    private static Path dir;
    private static StoreServer server;
    private static TestDatabase db;
    static WorkClient work;
    static WorkClient anonymous;

    @BeforeAll
    static void start(TestDatabase database) throws Exception {
        db = database;
        dir = Files.createTempDirectory("dockhand-jobs");
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Map<String, String> store = new HashMap<>(database.storeConfig());
        store.put("tokenfile", tokenFile.toString());
        store.put("nodes.downafter", "1s");
        store.put("runs.lease", "2s");
        server = StoreServer.start(StoreServerExtension.config(store));
        Http http = new Http(server.port());
        work = new WorkClient(http, TOKEN);
        anonymous = new WorkClient(http, null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        Directories.deleteTree(dir);
    }

    static String project() {
        return "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Http.Answer submit(String project, String json) {
        return work.postJson("/api/v1/jobs/" + project + "/tasks", json);
    }

    static Http.Answer submitLines(WorkClient client, String project, String lines) {
        return client.http.send(client.request("/api/v1/jobs/" + project + "/tasks")
                                        .header("Content-Type", "application/x-ndjson")
                                        .POST(HttpRequest.BodyPublishers.ofString(lines)));
    }

    static String task(String id, String command) {
        return "{\"taskId\":\"" + id + "\",\"repo\":\"" + REPO + "\",\"ref\":\"main\",\"command\":" + command + "}";
    }

    static JsonNode status(String project) {
        Http.Answer answer = work.get("/api/v1/jobs/" + project);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    static void settings(String project, String json) {
        Http.Answer answer = work.put("/api/v1/jobs/" + project, json);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    /** Claims the next task attempt as {@code node}: its run. */
    static JsonNode claim(String node) {
        assertThat(work.heartbeat(node, null).status()).isEqualTo(200);
        Http.Answer claim = work.claim(node, "3s");
        assertThat(claim.status()).as(claim.body()).isEqualTo(200);
        return claim.json();
    }

    /** Plays the agent carrying out a claimed attempt to its end: building, running, output, final state. */
    static void finish(JsonNode run, String node, String output, String state, Integer exit) {
        String id = run.get("id").asText();
        assertThat(work.report(id, node, 1, "building", "\"commit\":\"abc123\"").status()).isEqualTo(200);
        assertThat(work.report(id, node, 1, "running", null).status()).isEqualTo(200);
        if (output != null) {
            assertThat(work.append(id, node, 1, 1, "stdout", output).status()).isEqualTo(204);
            assertThat(work.append(id, node, 1, 2, "stderr", "err of " + output).status()).isEqualTo(204);
        }
        Http.Answer end = work.report(id, node, 1, state, exit == null ? null : "\"exitCode\":" + exit
                + (exit != 0 ? ",\"reason\":\"exited with code " + exit + "\"" : ""));
        assertThat(end.status()).as(end.body()).isEqualTo(200);
    }

    static JsonNode results(String project, long after, String wait) {
        Http.Answer answer = work.get("/api/v1/jobs/" + project + "/results?after=" + after + "&wait=" + wait);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    static long count(String sql, Object... params) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), "");
             PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aTaskIsClaimedAsAGitRunAndItsResultGoesToDoneOnce() {
        String p = project();
        Http.Answer submitted = submit(p, task("t1", "[\"sh\",\"-c\",\"echo 42\"]"));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(200);
        assertThat(submitted.json().get("created").asLong()).isEqualTo(1);
        settings(p, "{\"leaseSeconds\": 7}");

        JsonNode claim = claimOf(p, "j-node-a");
        JsonNode run = claim.get("run");
        assertThat(claim.get("leaseSeconds").asLong()).as("the project's lease").isEqualTo(7);
        assertThat(run.get("git").get("repo").asText()).isEqualTo(REPO);
        assertThat(run.get("git").get("ref").asText()).isEqualTo("main");
        assertThat(run.get("task").get("project").asText()).isEqualTo(p);
        assertThat(run.get("task").get("taskId").asText()).isEqualTo("t1");
        assertThat(run.get("command").toString()).isEqualTo("[\"sh\",\"-c\",\"echo 42\"]");
        assertProblem(work.get("/api/v1/runs/" + run.get("id").asText() + "/context?node=j-node-a&attempt=1"),
                      409, "no-context", "git");
        assertThat(status(p).get("counts").get("running").asLong()).isEqualTo(1);
        JsonNode inProgress = work.get("/api/v1/jobs/" + p + "/tasks/t1").json().get("attempts");
        assertThat(inProgress).as("the attempt a worker holds").hasSize(1);
        assertThat(inProgress.get(0).get("state").asText()).isEqualTo("assigned");
        assertThat(inProgress.get(0).get("node").asText()).isEqualTo("j-node-a");

        finish(run, "j-node-a", "42\n", "succeeded", 0);

        JsonNode results = results(p, 0, "0s");
        assertThat(results.get("results")).hasSize(1);
        JsonNode result = results.get("results").get(0);
        assertThat(result.get("taskId").asText()).isEqualTo("t1");
        assertThat(result.get("state").asText()).isEqualTo("succeeded");
        assertThat(result.get("exitCode").asInt()).isZero();
        assertThat(result.get("stdout").asText()).isEqualTo("42\n");
        assertThat(result.get("stderr").asText()).isEqualTo("err of 42\n");
        assertThat(result.get("node").asText()).isEqualTo("j-node-a");
        JsonNode attempt = result.get("attempts").get(0);
        assertThat(attempt.get("commit").asText()).isEqualTo("abc123");
        assertThat(attempt.get("clonedAt").asText()).isNotEmpty();
        assertThat(attempt.get("builtAt").asText()).isNotEmpty();
        assertThat(attempt.get("startedAt").asText()).isNotEmpty();
        assertThat(attempt.get("endedAt").asText()).isNotEmpty();
        assertThat(results.get("finished").asBoolean()).isTrue();
        assertThat(results(p, result.get("seq").asLong(), "0s").get("results")).isEmpty();

        JsonNode s = status(p);
        assertThat(s.get("counts").get("succeeded").asLong()).isEqualTo(1);
        assertThat(s.get("total").asLong()).isEqualTo(1);
        assertThat(s.get("finished").asLong()).isEqualTo(1);
        assertThat(s.get("exitCodes").get("0").asLong()).isEqualTo(1);
        // a late second report changes nothing, and the task keeps one result
        assertThat(work.report(run.get("id").asText(), "j-node-a", 1, "failed", "\"exitCode\":1").status())
                .isEqualTo(409);
        assertThat(results(p, 0, "0s").get("results")).hasSize(1);
    }

    /** Claims as {@code node} until the run handed out is one of project {@code p}'s; others are finished. */
    static JsonNode claimOf(String p, String node) {
        for (int i = 0; i < 200; i++) {
            JsonNode claim = claim(node);
            if (p.equals(claim.get("run").path("task").path("project").asText())) {
                return claim;
            }
            finish(claim.get("run"), node, null, "succeeded", 0); // another test's task: done with
        }
        throw new AssertionError("no task of " + p + " was handed out");
    }

    @Test
    void resubmittingATaskIsIdempotentAndAnotherSpecUnderItsIdIsRefusedWholly() throws Exception {
        String p = project();
        assertThat(submit(p, task("same", "\"echo 1\"")).json().get("created").asLong()).isEqualTo(1);
        Http.Answer again = submit(p, task("same", "\"echo 1\""));
        assertThat(again.json().get("existing").asLong()).isEqualTo(1);
        assertThat(again.json().get("created").asLong()).isZero();
        Http.Answer other = submitLines(work, p, task("new-one", "\"echo 2\"") + "\n" + task("same", "\"echo 3\""));
        assertProblem(other, 409, "task-exists", "same");
        assertThat(count("SELECT COUNT(*) FROM job_tasks WHERE project = ?", p)).as("nothing of it stored")
                .isEqualTo(1);
        // a shell line is stored as sh -c
        JsonNode t = work.get("/api/v1/jobs/" + p + "/tasks/same").json();
        assertThat(t.get("command").toString()).isEqualTo("[\"sh\",\"-c\",\"echo 1\"]");
    }

    @Test
    void jsonLinesAreAllOrNothingAndABadLineIsNamed() throws Exception {
        String p = project();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            lines.append(task("t" + i, "[\"echo\",\"" + i + "\"]")).append('\n');
        }
        Http.Answer ok = submitLines(work, p, lines.toString());
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("created").asLong()).isEqualTo(1000);
        assertThat(status(p).get("counts").get("ready").asLong()).isEqualTo(1000);
        // out of the other tests' way: cancelled, each with its result
        assertThat(work.postJson("/api/v1/jobs/" + p + "/cancel", "").json().get("cancelled").asLong())
                .isEqualTo(1000);
        assertThat(status(p).get("counts").get("cancelled").asLong()).isEqualTo(1000);
        assertThat(status(p).get("exitCodes").get("none").asLong()).isEqualTo(1000);

        String q = project();
        String bad = task("a", "\"echo a\"") + "\n\n" + task("b", "\"echo b\"") + "\n{\"taskId\": \"c\"}\n";
        assertProblem(submitLines(work, q, bad), 422, "invalid-task", "line 4");
        assertProblem(submitLines(work, q, task("a", "\"x\"") + "\n{not json\n"), 400, "malformed-json", "line 2");
        assertProblem(submitLines(work, q, "{\"taskId\":\"x\",\"repo\":\"r\",\"bogus\":1}"), 422, "invalid-task",
                      "bogus");
        assertThat(count("SELECT COUNT(*) FROM job_tasks WHERE project = ?", q)).isZero();
        assertProblem(submitLines(anonymous, q, task("a", "\"x\"")), 401, "token-required", "token");
        assertProblem(work.postJson("/api/v1/jobs/bad%20name/tasks", task("a", "\"x\"")), 400, "invalid-project",
                      "project");
        String huge = "{\"taskId\":\"h\",\"repo\":\"" + "r".repeat(1024 * 1024 + 10) + "\"}";
        assertProblem(submitLines(work, q, huge), 413, "payload-too-large", "line 1");
        assertProblem(work.http.send(work.request("/api/v1/jobs/" + q + "/tasks").header("Content-Type",
                "text/plain").POST(HttpRequest.BodyPublishers.ofString("x"))), 415, "unsupported-media-type",
                      "ndjson");
        assertProblem(work.get("/api/v1/jobs/" + q), 404, "project-not-found", q);
    }

    @Test
    void aFailingTaskIsRetriedAfterItsBackoffThenDeadLetteredWithEveryAttempt() throws Exception {
        String p = project();
        settings(p, "{\"maxAttempts\": 2, \"backoffSeconds\": 1}");
        submit(p, task("fails", "\"exit 3\""));

        JsonNode first = claimOf(p, "j-node-b").get("run");
        finish(first, "j-node-b", "try 1\n", "failed", 3);
        JsonNode t = work.get("/api/v1/jobs/" + p + "/tasks/fails").json();
        assertThat(t.get("state").asText()).isEqualTo("failed");
        assertThat(t.get("notBefore").asText()).isNotEmpty();
        assertThat(results(p, 0, "0s").get("results")).as("not on Done while it has attempts left").isEmpty();

        JsonNode second = claimOf(p, "j-node-c").get("run");
        assertThat(second.get("id").asText()).isNotEqualTo(first.get("id").asText());
        finish(second, "j-node-c", "try 2\n", "failed", 3);

        JsonNode results = results(p, 0, "0s");
        assertThat(results.get("results")).hasSize(1);
        JsonNode dead = results.get("results").get(0);
        assertThat(dead.get("state").asText()).isEqualTo("dead");
        assertThat(dead.get("exitCode").asInt()).isEqualTo(3);
        assertThat(dead.get("reason").asText()).contains("exited with code 3");
        assertThat(dead.get("attempts")).hasSize(2);
        assertThat(dead.get("attempts").get(0).get("node").asText()).isEqualTo("j-node-b");
        assertThat(dead.get("attempts").get(0).get("stdout").asText()).isEqualTo("try 1\n");
        assertThat(dead.get("attempts").get(1).get("node").asText()).isEqualTo("j-node-c");
        assertThat(status(p).get("exitCodes").get("3").asLong()).isEqualTo(1);

        // a user's retry puts it back with fresh attempts and takes its result off Done until it ends again
        Http.Answer retried = work.postJson("/api/v1/jobs/" + p + "/retry", "{\"tasks\":[\"fails\"]}");
        assertThat(retried.json().get("retried").asLong()).isEqualTo(1);
        assertThat(results(p, 0, "0s").get("results")).isEmpty();
        JsonNode third = claimOf(p, "j-node-b").get("run");
        finish(third, "j-node-b", "fixed\n", "succeeded", 0);
        JsonNode after = results(p, 0, "0s");
        assertThat(after.get("results")).hasSize(1);
        assertThat(after.get("results").get(0).get("state").asText()).isEqualTo("succeeded");
        assertThat(after.get("results").get(0).get("attempt").asInt()).isEqualTo(3);
        assertProblem(work.postJson("/api/v1/jobs/" + p + "/retry", "{\"tasks\":[\"nope\"]}"), 404,
                      "task-not-found", "nope");
    }

    @Test
    void aWorkerThatDiesLosesItsLeaseAndAnotherWorkerGetsTheTaskWhichEndsWithOneResult() throws Exception {
        String p = project();
        settings(p, "{\"leaseSeconds\": 5, \"backoffSeconds\": 0}");
        submit(p, task("survives", "\"echo ok\""));
        JsonNode lost = claimOf(p, "j-dies").get("run");
        // the worker dies: no heartbeat names the run; its lease expires and the task is given to another
        JsonNode again = null;
        for (int i = 0; i < 60 && again == null; i++) {
            assertThat(work.heartbeat("j-lives", null).status()).isEqualTo(200);
            Http.Answer claim = work.claim("j-lives", "1s");
            if (claim.status() == 200) {
                if (p.equals(claim.json().get("run").path("task").path("project").asText())) {
                    again = claim.json().get("run");
                } else {
                    finish(claim.json().get("run"), "j-lives", null, "succeeded", 0);
                }
            }
        }
        assertThat(again).as("the task was handed out again after the lease").isNotNull();
        assertThat(work.get("/api/v1/runs/" + lost.get("id").asText()).json().get("state").asText())
                .isEqualTo("lost");
        // the dead worker's late report changes nothing
        assertThat(work.report(lost.get("id").asText(), "j-dies", 1, "succeeded", "\"exitCode\":0").status())
                .isEqualTo(409);
        finish(again, "j-lives", "ok\n", "succeeded", 0);
        JsonNode results = results(p, 0, "0s");
        assertThat(results.get("results")).hasSize(1);
        JsonNode result = results.get("results").get(0);
        assertThat(result.get("attempt").asInt()).isEqualTo(2);
        assertThat(result.get("attempts").get(0).get("state").asText()).isEqualTo("lost");
        assertThat(result.get("attempts").get(0).get("reason").asText()).contains("stopped answering");
        assertThat(result.get("node").asText()).isEqualTo("j-lives");
        assertThat(count("SELECT COUNT(*) FROM job_results r JOIN job_tasks t ON t.seq = r.task_seq WHERE"
                + " t.project = ?", p)).isEqualTo(1);
    }

    @Test
    void aProjectRunsAtMostItsConcurrencyOfTasksAtOnce() {
        String p = project();
        settings(p, "{\"concurrency\": 1}");
        submitLines(work, p, task("c1", "\"echo 1\"") + "\n" + task("c2", "\"echo 2\""));
        JsonNode first = claimOf(p, "j-conc-a").get("run");
        // while c1 runs, claims hand out no task of p
        for (int i = 0; i < 5; i++) {
            assertThat(work.heartbeat("j-conc-b", "[{\"runId\":\"" + first.get("id").asText()
                    + "\",\"attempt\":1}]").status()).isEqualTo(200);
            Http.Answer claim = work.claim("j-conc-b", "0s");
            if (claim.status() == 200) {
                assertThat(claim.json().get("run").path("task").path("project").asText()).isNotEqualTo(p);
                finish(claim.json().get("run"), "j-conc-b", null, "succeeded", 0);
            }
        }
        assertThat(status(p).get("counts").get("ready").asLong()).isEqualTo(1);
        finish(first, "j-conc-a", "1\n", "succeeded", 0);
        JsonNode second = claimOf(p, "j-conc-b").get("run");
        assertThat(second.get("task").get("taskId").asText()).as("the other task, once the first ended")
                .isIn("c1", "c2").isNotEqualTo(first.get("task").get("taskId").asText());
    }

    @Test
    void cancellingEndsReadyTasksAtOnceAndRunningOnesWhenTheirAgentStops() {
        String p = project();
        submitLines(work, p, task("run", "\"sleep 100\"") + "\n" + task("wait", "\"echo\""));
        JsonNode running = claimOf(p, "j-cancel").get("run");
        Http.Answer cancel = work.postJson("/api/v1/jobs/" + p + "/cancel", "{}");
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
        assertThat(cancel.json().get("cancelled").asLong()).isEqualTo(2);
        JsonNode beat = work.heartbeat("j-cancel", "[{\"runId\":\"" + running.get("id").asText()
                + "\",\"attempt\":1}]").json();
        assertThat(beat.get("stop").toString()).contains("cancelled");
        assertThat(results(p, 0, "0s").get("results")).hasSize(1); // the ready one
        assertThat(work.report(running.get("id").asText(), "j-cancel", 1, "cancelled", null).status())
                .isEqualTo(200);
        JsonNode results = results(p, 0, "0s");
        assertThat(results.get("results")).hasSize(2);
        assertThat(results.get("results").findValuesAsText("state")).containsOnly("cancelled");
        assertThat(results.get("finished").asBoolean()).isTrue();
    }

    @Test
    void aResultsReaderWaitsForTheNextResult() throws Exception {
        String p = project();
        submit(p, task("slow", "\"echo\""));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<JsonNode> waiting = pool.submit(() -> results(p, 0, "20s"));
            Thread.sleep(300);
            assertThat(waiting).isNotDone();
            finish(claimOf(p, "j-poll").get("run"), "j-poll", "done\n", "succeeded", 0);
            JsonNode got = waiting.get();
            assertThat(got.get("results")).hasSize(1);
            assertThat(got.get("last").asLong()).isEqualTo(got.get("results").get(0).get("seq").asLong());
        } finally {
            pool.shutdownNow();
        }
        assertProblem(work.get("/api/v1/jobs/" + p + "/results?wait=61s"), 400, "invalid-parameter", "wait");
    }

    @Test
    void theSeedsFacadeKeepsPlainQueuesAndRunsTaskQueues() throws Exception {
        String q = "plain-" + UUID.randomUUID().toString().substring(0, 6);
        Http.Answer created = anonymous.http.send(anonymous.request("/rabbit/")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("queue=" + q)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(anonymous.postJson("/rabbit", "{\"queue\":\"" + q + "\"}").status()).isEqualTo(200);
        assertThat(anonymous.postJson("/rabbit/" + q, "{\"n\": 1}").status()).isEqualTo(201);
        Http.Answer form = anonymous.http.send(anonymous.request("/rabbit/" + q + "/")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("message=%7B%22n%22%3A+2%7D")));
        assertThat(form.status()).as(form.body()).isEqualTo(201);
        Http.Answer one = anonymous.get("/rabbit/" + q);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body()).isEqualTo("{\"n\": 1}");
        assertThat(anonymous.get("/rabbit/" + q + "/").body()).isEqualTo("{\"n\": 2}");
        assertThat(anonymous.get("/rabbit/" + q).status()).isEqualTo(204);
        assertProblem(anonymous.get("/rabbit/no-such-" + q), 404, "queue-not-found", "POST /rabbit");
        assertProblem(anonymous.postJson("/rabbit/no-such-" + q, "{}"), 404, "queue-not-found", "create");
        assertProblem(anonymous.http.send(anonymous.request("/rabbit/" + q)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=1&b=2"))), 400, "invalid-form", "one field");

        // PROJECT.todo: a task, with the seed's field names; its result goes to PROJECT.done
        String p = project();
        String seedTask = "{\"id_projet\":\"" + p + "\",\"id_tache\":7,\"address_git\":\"" + REPO
                + "\",\"command\":\"echo 49\"}";
        assertProblem(anonymous.postJson("/rabbit/" + p + ".TODO", seedTask), 401, "token-required", "token");
        Http.Answer put = work.http.send(work.request("/rabbit/" + p + ".TODO/")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("task=" + java.net.URLEncoder.encode(seedTask,
                        java.nio.charset.StandardCharsets.UTF_8))));
        assertThat(put.status()).as(put.body()).isEqualTo(201);
        assertThat(anonymous.get("/rabbit/" + p + ".done").status()).as("the done queue exists, empty")
                .isEqualTo(204);
        assertProblem(anonymous.get("/rabbit/" + p + ".todo"), 409, "task-queue", "agents");
        JsonNode run = claimOf(p, "j-seed").get("run");
        assertThat(run.get("task").get("taskId").asText()).isEqualTo("7");
        finish(run, "j-seed", "49\n", "succeeded", 0);
        Http.Answer done = anonymous.get("/rabbit/" + p + ".done");
        assertThat(done.status()).isEqualTo(200);
        JsonNode message = done.json();
        assertThat(message.get("id_tache").asText()).isEqualTo("7");
        assertThat(message.get("id_projet").asText()).isEqualTo(p);
        assertThat(message.get("stdout").asText()).isEqualTo("49\n");
        assertThat(message.get("exitCode").asInt()).isZero();
        assertThat(results(p, 0, "0s").get("results")).as("also on the project's Done").hasSize(1);
        assertProblem(anonymous.postJson("/rabbit/" + q, "x".repeat(1024 * 1024 + 1)), 413, "payload-too-large",
                      "bytes");
        assertProblem(work.postJson("/rabbit/todo", "{\"id_tache\":1,\"address_git\":\"r\"}"), 422,
                      "invalid-task", "project");
    }
}
