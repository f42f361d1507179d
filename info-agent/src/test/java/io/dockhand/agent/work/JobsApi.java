package io.dockhand.agent.work;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.dockhand.api.JobSettings;
import io.dockhand.api.JobStatus;
import io.dockhand.api.JobTask;
import io.dockhand.api.TaskResult;
import io.dockhand.api.TaskResults;
import io.dockhand.api.TaskSubmission;
import io.dockhand.web.Json;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The store's jobs API as a test uses it: submit tasks, set a project, read its status, tasks and results. */
final class JobsApi {

    private static final ObjectMapper JSON = Json.MAPPER.copy()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final URI store;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    JobsApi(URI store, String token) {
        this.store = store;
        this.token = token;
    }

    /** {@code PUT /api/v1/jobs/{project}}. */
    JobStatus settings(String project, JobSettings settings) throws IOException, InterruptedException {
        return read(send(request("/api/v1/jobs/" + project).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(settings)))), 200,
                JobStatus.class);
    }

    /** {@code POST /api/v1/jobs/{project}/tasks} with these tasks as JSON lines. */
    TaskSubmission submit(String project, List<Map<String, Object>> tasks) throws IOException, InterruptedException {
        StringBuilder lines = new StringBuilder();
        for (Map<String, Object> task : tasks) {
            lines.append(JSON.writeValueAsString(task)).append('\n');
        }
        return read(send(request("/api/v1/jobs/" + project + "/tasks")
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(lines.toString()))), 200, TaskSubmission.class);
    }

    JobStatus status(String project) throws IOException, InterruptedException {
        return read(send(request("/api/v1/jobs/" + project).GET()), 200, JobStatus.class);
    }

    /** One task with its attempts. */
    JobTask task(String project, String task) throws IOException, InterruptedException {
        return read(send(request("/api/v1/jobs/" + project + "/tasks/" + task).GET()), 200, JobTask.class);
    }

    /** The project's tasks in a state (the first page of 1,000). */
    List<JobTask> tasks(String project, String state) throws IOException, InterruptedException {
        HttpResponse<String> answer = send(request("/api/v1/jobs/" + project + "/tasks?limit=1000"
                + (state == null ? "" : "&state=" + state)).GET());
        if (answer.statusCode() != 200) {
            throw new AssertionError("tasks: " + answer.statusCode() + " " + answer.body());
        }
        return JSON.convertValue(JSON.readTree(answer.body()).get("items"), new TypeReference<List<JobTask>>() { });
    }

    /**
     * Every result of the project, read as they arrive (long polls of 10 s) until the project is finished.
     *
     * @throws AssertionError when it is not finished within {@code patience}
     */
    List<TaskResult> awaitResults(String project, Duration patience) throws IOException, InterruptedException {
        List<TaskResult> all = new ArrayList<>();
        long after = 0;
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            TaskResults page = read(send(request("/api/v1/jobs/" + project + "/results?after=" + after
                    + "&limit=100&wait=10s").GET()), 200, TaskResults.class);
            all.addAll(page.results());
            after = page.last();
            if (page.finished() && page.results().isEmpty()) {
                return all;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("project " + project + " not finished within " + patience + ": "
                        + status(project) + "; results so far: " + all);
            }
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(store.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <T> T read(HttpResponse<String> answer, int status, Class<T> type) throws IOException {
        if (answer.statusCode() != status) {
            throw new AssertionError(answer.request().method() + " " + answer.request().uri() + ": "
                    + answer.statusCode() + " " + answer.body());
        }
        return JSON.readValue(answer.body(), type);
    }
}
