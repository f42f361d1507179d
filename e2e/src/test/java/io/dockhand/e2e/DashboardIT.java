package io.dockhand.e2e;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.dockhand.web.browser.Browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard on the real stack, in headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * through Selenium), fed by nothing but real work: the node's own agent and swarm, a client container posting its
 * records, a run printing a line a second, a jobs project from a git repository, a static site deployed from one.
 * The browser reaches the store as a user's would, through the gateway's port. Each page's screenshot is saved under
 * {@code e2e/target/screenshots} (a failed test's too); the last test destroys the deployment from its page, through
 * the confirmation and the token dialog.
 */
@Order(7)
@ExtendWith(ClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int POSTS = 3;
    private static final int LINES = 20;
    private static final int TASKS = 4;
    private static Browser browser;
    private static String poster;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private GitServer git;
    private Path folder;
    private Cluster cluster;

    /** A failed test leaves a screenshot of what the browser showed. */
    @RegisterExtension
    static final TestWatcher SCREENSHOT_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                browser.screenshot("e2e-failed-" + context.getRequiredTestMethod().getName());
            }
        }
    };

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Browser.start(1280, 1000);
    }

    @AfterAll
    static void stopBrowserAndRemoveThePoster() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (poster != null) {
                Docker.run("rm", "-f", poster);
            }
        }
    }

    @AfterEach
    void removeWhatIsLeft() throws Exception {
        try {
            if (cluster != null) {
                // a test that failed midway leaves its deployment's services, which would keep the stack's network
                for (String service : Docker.lines(Docker.ok("service", "ls", "-q", "--filter",
                                                             "label=" + cluster.clusterLabel()))) {
                    Docker.run("service", "rm", service);
                }
            }
        } finally {
            try {
                if (git != null) {
                    git.close();
                }
            } finally {
                if (folder != null) {
                    try (var paths = Files.walk(folder)) {
                        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
            }
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aContainersChartIsDrawnFromTheRecordsItPosted(Cluster cluster) throws Exception {
        this.cluster = cluster;
        cluster.awaitReady(Duration.ofMinutes(3));
        // one container posting its own facts three times, 8 s apart: three records in three of the chart's buckets
        // (an hour in 500 points: 7.2 s each)
        List<String> run = new ArrayList<>(List.of("run", "-d", "--label", cluster.testLabel(), "--network",
                                                   cluster.network()));
        run.addAll(cluster.agentOptions());
        run.addAll(List.of("--entrypoint", "sh", Cluster.image("client"), "-c",
                           "for i in $(seq 1 " + POSTS + "); do java -XX:TieredStopAtLevel=1 -jar /app/client-app.jar "
                                   + "post || exit 1; sleep 8; done"));
        poster = Docker.ok(run.toArray(String[]::new));
        String exit = Docker.run(Duration.ofMinutes(3), Map.of(), "wait", poster).orThrow();
        assertThat(exit).as("the poster's exit code; its output: %s", Docker.run("logs", poster)).isEqualTo("0");
        String name = Docker.ok("inspect", "--format", "{{.Name}}", poster).replaceFirst("^/", "");

        browser.open(base() + "#/containers");
        browser.ready();
        browser.until(20, d -> browser.text("main table").contains(name));
        browser.screenshot("e2e-containers");
        // the last hour (the default is a week, whose 500 points are 20 minutes each)
        browser.open(base() + "#/containers/" + poster + "?range=1h");
        browser.ready();
        WebElement charts = browser.until(20, d -> d.findElements(By.cssSelector("#charts[data-records]")).stream()
                .findFirst().orElse(null));
        assertThat(charts.getAttribute("data-records")).isEqualTo(Integer.toString(POSTS));
        assertThat(Integer.parseInt(charts.getAttribute("data-points"))).isBetween(2, POSTS);
        assertThat(browser.all("#charts .chart canvas")).as("the CPU and the memory chart").hasSize(2);
        assertThat(browser.all("#container-records table tbody tr")).hasSize(POSTS);
        assertThat(browser.text("#container-records")).contains(Cluster.image("client"));
        browser.screenshot("e2e-container");
    }

    @Test
    @Order(2)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theOverviewAndNodesShowTheSwarmsNodeAsItsAgentAndSwarmSeeIt(Cluster cluster) throws Exception {
        this.cluster = cluster;
        JsonNode nodes = get("/api/v1/nodes").path("items");
        assertThat(nodes.size()).as("nodes: %s", nodes).isPositive();
        JsonNode node = nodes.get(0);
        String id = node.path("id").asText();
        long up = 0;
        for (JsonNode n : nodes) {
            up += n.path("status").asText().equals("up") ? 1 : 0;
        }

        browser.open(base());
        browser.ready();
        long expectedUp = up;
        browser.until(20, d -> browser.text("#nodes-up").equals(expectedUp + " up"));
        assertThat(browser.text("#overview table")).contains(id + " " + node.path("hostname").asText());
        assertThat(labels("meter[aria-label^='CPU']"))
                .anyMatch(label -> label.endsWith(" of " + node.path("cpus").asInt() + " cores"));
        // its use, summed from its containers' records (which name it by host name and swarm node id)
        assertThat(labels("meter[aria-label^='Memory']")).anyMatch(label -> !label.startsWith("Memory: 0 B of"));
        browser.until(10, d -> browser.text("#live").equals("live"));
        browser.screenshot("e2e-overview");

        browser.open(base() + "#/nodes");
        browser.ready();
        // swarm's view beside the agent's: this node is the swarm's (only) manager, ready and active
        String row = browser.until(20, d -> d.findElements(By.xpath("//tr[td/a[text()='" + id + "']]")).stream()
                .map(WebElement::getText).filter(text -> text.contains("ready")).findFirst().orElse(null));
        assertThat(row).contains("up", "s ago", "ready", "active", "manager");
        browser.screenshot("e2e-nodes");
        browser.click("a[href='#/nodes/" + id + "']");
        browser.ready();
        // the node's containers: the one that posted its records in the test before
        assertThat(poster).as("the container the first test posted from (did it fail?)").isNotNull();
        String posterName = Docker.ok("inspect", "--format", "{{.Name}}", poster).replaceFirst("^/", "");
        browser.until(20, d -> browser.text("main").contains(posterName));
        assertThat(browser.text("main")).contains("Node " + id);
        browser.screenshot("e2e-node");
    }

    @Test
    @Order(3)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aRunsLogStreamsOnThePageAsTheRunPrints(Cluster cluster) throws Exception {
        this.cluster = cluster;
        Path dir = Files.createTempDirectory("dockhand-e2e-dashboard-run");
        folder = dir;
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + Cluster.image("client") + "\nENTRYPOINT []\n"
                + "COPY run.sh /run.sh\nCMD [\"sh\", \"/run.sh\"]\n");
        Files.writeString(dir.resolve("run.sh"), "for i in $(seq 1 " + LINES + "); do echo \"line $i\"; sleep 1; done\n");
        Docker.Result submitted = cluster.client(dir, Duration.ofMinutes(4), "run", "--detach", ".");
        assertThat(submitted.exitCode()).as("dockhand run --detach; stderr: %s", submitted.err()).isZero();
        String id = submitted.out().strip();

        browser.open(base() + "#/runs/" + id);
        browser.ready();
        browser.script("window.__sameDocument = true;");
        // the page shows the first lines while the run is still printing the others
        String early = browser.until(120, d -> {
            String log = browser.text("pre.log");
            return log.contains("line 2") ? log : null;
        });
        assertThat(early).as("the log on the page while the run prints").doesNotContain("line " + LINES);
        // the state follows a change notice (the poll, then a read): it may come a moment after the first lines
        browser.until(10, d -> browser.text("#run-state").contains("running"));
        browser.screenshot("e2e-run");

        browser.until(120, d -> "true".equals(browser.find("pre.log").getAttribute("data-ended")));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= LINES; i++) {
            expected.add("line " + i);
        }
        // the build's output, then the run's
        assertThat(browser.text("pre.log")).contains("FROM " + Cluster.image("client"));
        assertThat(browser.text("pre.log").lines().filter(l -> l.startsWith("line ")).toList())
                .as("every line once, in order").containsExactlyElementsOf(expected);
        // the lines arrived as they were printed, over the run's seconds, not all at once at its end
        List<Long> arrivals = browser.until(10, d -> d.findElements(By.cssSelector("pre.log span")).stream()
                .filter(span -> span.getText().contains("line "))
                .map(span -> Long.parseLong(span.getAttribute("data-at"))).toList());
        assertThat(arrivals.get(arrivals.size() - 1) - arrivals.get(0))
                .as("ms between the first and the last line reaching the page").isGreaterThan(5_000);
        browser.until(20, d -> browser.text("#run-exit").equals("0"));
        assertThat(browser.text("#run-state")).contains("succeeded");
        assertThat(browser.script("return window.__sameDocument === true;")).as("no reload").isEqualTo(true);
        browser.screenshot("e2e-run-finished");

        browser.open(base() + "#/runs");
        browser.ready();
        assertThat(browser.text("main table")).contains(id.substring(0, 12), "succeeded");
        browser.screenshot("e2e-runs");
    }

    @Test
    @Order(4)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aJobsProgressMovesOnThePageAsTheAgentWorksItsTasks(Cluster cluster) throws Exception {
        this.cluster = cluster;
        git = GitServer.start();
        Path src = git.folder("dockhand-e2e-dashboard-squares");
        Files.writeString(src.resolve("Dockerfile"), "FROM " + Cluster.image("client") + "\nENTRYPOINT []\n"
                + "COPY square.sh /square.sh\n");
        // task n ends 3n s after it starts: they end apart, whether the node runs them together or one by one
        Files.writeString(src.resolve("square.sh"), "sleep $(( 3 * $1 )); echo $(( $1 * $1 ))\n");
        GitServer.commitAll(src, "squares");
        String repo = git.serve(src, "squares");
        Path work = git.folder("dockhand-e2e-dashboard-jobs");
        String project = "e2e-dash-" + UUID.randomUUID().toString().substring(0, 6);
        StringBuilder lines = new StringBuilder();
        for (int n = 1; n <= TASKS; n++) {
            lines.append("{\"taskId\":\"sq-").append(n).append("\",\"repo\":\"").append(repo)
                    .append("\",\"command\":[\"sh\",\"/square.sh\",\"").append(n).append("\"]}\n");
        }
        Files.writeString(work.resolve("tasks.jsonl"), lines);
        Docker.Result submitted = cluster.client(work, Duration.ofMinutes(4), "jobs", "submit", project, "--tasks",
                                                 "tasks.jsonl");
        assertThat(submitted.exitCode()).as("stderr: %s", submitted.err()).isZero();

        browser.open(base() + "#/jobs/" + project);
        browser.ready();
        browser.script("window.__sameDocument = true;");
        // every progress the page shows, until all tasks are done
        Set<String> seen = new LinkedHashSet<>();
        browser.until(300, d -> {
            String head = browser.text("#job-head");
            seen.add(head.lines().filter(l -> l.contains(" / " + TASKS)).findFirst().orElse(head));
            return head.contains(TASKS + " / " + TASKS) ? head : null;
        });
        Cluster.log("the job's progress as the page showed it: " + seen);
        assertThat(seen).as("progress shown between none and all done")
                .anyMatch(s -> s.matches("(?s).*\\b[1-" + (TASKS - 1) + "] / " + TASKS + "\\b.*"));
        assertThat(browser.script("return window.__sameDocument === true;")).as("no reload").isEqualTo(true);
        browser.until(20, d -> browser.text("#job-aggregate").startsWith(TASKS + " tasks: " + TASKS + " succeeded"));
        browser.screenshot("e2e-job");

        browser.open(base() + "#/jobs/" + project + "/tasks/sq-3");
        browser.ready();
        // its attempt's output: 3 squared
        browser.until(20, d -> d.findElements(By.xpath("//tr[td[normalize-space(.)='succeeded']]"
                + "/td[normalize-space(.)='9']")).size() == 1);
        browser.screenshot("e2e-task");
        browser.open(base() + "#/jobs");
        browser.ready();
        assertThat(browser.text("main table")).contains(project, TASKS + " / " + TASKS);
        browser.screenshot("e2e-jobs");
    }

    @Test
    @Order(5)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void aDeploymentsHistoryOnThePageAndDestroyingItThroughTheTokenDialog(Cluster cluster) throws Exception {
        this.cluster = cluster;
        git = GitServer.start();
        String name = "e2e-dash-" + UUID.randomUUID().toString().substring(0, 6);
        int published;
        try (ServerSocket free = new ServerSocket(0)) {
            published = free.getLocalPort();
        }
        Path src = git.folder("dockhand-e2e-dashboard-site");
        Files.writeString(src.resolve("dockhand.toml"), """
                [app]
                name = "site"
                version = "1.0"
                author = "e2e"
                endpoint = "/"

                [config]
                port = 8080
                publish = %d
                lang = "static"
                """.formatted(published));
        Files.writeString(src.resolve("index.html"), "<h1>" + name + "</h1>\n");
        GitServer.commitAll(src, "site");
        String repo = git.serve(src, "site");
        HttpResponse<String> created = send("POST", "/api/v1/deployments", "{\"repo\":\"" + repo
                + "\",\"branch\":\"main\",\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        browser.open(base() + "#/deployments/" + name);
        browser.ready();
        browser.script("window.__sameDocument = true;");
        // the page follows the deployment to running, step by step, without a reload
        Set<String> statuses = new LinkedHashSet<>();
        browser.until(600, d -> {
            String status = browser.text("#deployment-status");
            statuses.add(status);
            if (status.startsWith("failed")) {
                throw new AssertionError("the deployment failed: " + browser.text("main"));
            }
            return status.equals("running") ? status : null;
        });
        Cluster.log("the deployment's statuses as the page showed them: " + statuses);
        assertThat(statuses).as("statuses the page showed before running").hasSizeGreaterThan(1);
        assertThat(browser.script("return window.__sameDocument === true;")).as("no reload").isEqualTo(true);
        String history = browser.text("#deployment-history");
        assertThat(history).contains("requested", "validating", "cloning", "building", "pushing", "starting",
                                     "running");
        browser.until(20, d -> browser.text("main").contains("1 running of 1 wanted"));
        browser.screenshot("e2e-deployment");
        browser.open(base() + "#/deployments");
        browser.ready();
        assertThat(browser.text("main table")).contains(name, "running");
        browser.screenshot("e2e-deployments");

        // two actions: Update, confirmed, with the cluster token typed into the dialog (the branch has not moved:
        // nothing to update), then Destroy, confirmed, with the token the tab kept
        browser.open(base() + "#/deployments/" + name);
        browser.ready();
        browser.script("sessionStorage.clear();");
        clickButton("Update");
        browser.until(5, d -> browser.find("#confirm-dialog").isDisplayed());
        browser.find("#confirm-ok").click();
        browser.until(5, d -> browser.find("#token-dialog").isDisplayed());
        browser.find("#token-input").sendKeys(cluster.token(), Keys.ENTER);
        browser.until(30, d -> browser.find("#said").isDisplayed());
        assertThat(browser.text("#said")).startsWith("Update: branch main is still at ").endsWith(": nothing to update");
        clickButton("Destroy");
        browser.until(5, d -> browser.find("#confirm-dialog").isDisplayed());
        browser.find("#confirm-ok").click();
        browser.until(300, d -> {
            if (browser.find("#token-dialog").isDisplayed()) {
                throw new AssertionError("the token was asked again: the tab should have kept it");
            }
            return browser.text("#deployment-status").equals("destroyed");
        });
        browser.screenshot("e2e-deployment-destroyed");
        assertThat(JSON.readTree(send("GET", "/api/v1/deployments/" + name, null).body()).path("status").asText())
                .isEqualTo("destroyed");
        assertThat(Docker.ok("service", "ls", "-q", "--filter", "label=io.dockhand.deployment=" + name))
                .as("the deployment's services").isEmpty();
    }

    /** Clicks the button labelled {@code label} once the page shows it (found again if a re-render replaced it). */
    private static void clickButton(String label) {
        browser.until(20, d -> {
            List<WebElement> found = d.findElements(By.xpath("//button[.='" + label + "']"));
            if (found.isEmpty()) {
                return null;
            }
            found.get(0).click();
            return true;
        });
    }

    /**
     * The aria-labels of the elements, read where they are found: a change notice may render the page again between
     * finding an element and reading it.
     */
    private static List<String> labels(String css) {
        return browser.until(10, d -> d.findElements(By.cssSelector(css)).stream()
                .map(e -> e.getAttribute("aria-label")).toList());
    }

    private String base() {
        return cluster.store().toString();
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> answer = send("GET", path, null);
        assertThat(answer.statusCode()).as("%s: %s", path, answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(cluster.store().resolve(path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + cluster.token())
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
