package io.dockhand.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dockhand.server.databases.Directories;
import io.dockhand.server.deployments.GitRepos;
import io.dockhand.web.browser.Browser;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (headless Chromium through Selenium) against a real store on H2, with data put
 * through the API as agents and users would: records, nodes' heartbeats, a run whose "agent" appends log lines while
 * the page follows it, a job project, a deployment. Each page is loaded, checked and saved as a screenshot under
 * {@code target/screenshots}; an action goes through the token dialog; the last test stops the store and expects
 * the banner.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
    private static final String TOKEN = "dashboard-token-for-tests";
    private static final String CONTAINER = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2";
    private static final String OTHER = "0fedcba98765";
    private static final int RECORDS = 60;
    private static Path dir;
    private static StoreServer server;
    private static WorkClient work;
    private static Browser browser;
    private static GitRepos git;
    private static String base;
    private static String runId;
    private static String deployment;

    /** A failed test leaves a screenshot of what the browser showed. */
    @RegisterExtension
    static final TestWatcher SCREENSHOT_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                browser.screenshot("failed-" + context.getRequiredTestMethod().getName());
            }
        }
    };

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("dockhand-dashboard");
        try {
            Path tokenFile = dir.resolve("token");
            Files.writeString(tokenFile, TOKEN + "\n");
            Map<String, String> store = new HashMap<>(Map.of("dir", dir.resolve("db").toString(),
                    "tokenfile", tokenFile.toString(), "nodes.downafter", "600s", "runs.lease", "600s",
                    "deployments.registry", "127.0.0.1:15000"));
            server = StoreServer.start(StoreServerExtension.config(store));
            base = "http://127.0.0.1:" + server.port();
            work = new WorkClient(new Http(base), TOKEN);
            git = new GitRepos();
            seed();
            browser = Browser.start(1280, 1000);
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            try {
                if (git != null) {
                    git.close();
                }
                if (server != null) {
                    server.close();
                }
            } finally {
                Directories.deleteTree(dir);
            }
        }
    }

    /** A deployment built and served (before other work, whose runs a deployment's claims would take), records. */
    private static void seed() throws Exception {
        assertThat(work.heartbeat("node-a", null, "worker").status()).isEqualTo(200);
        deployment = "web-" + UUID.randomUUID().toString().substring(0, 6);
        int port = 20000 + (int) (Math.random() * 20000);
        git.create(deployment);
        git.commit(deployment, "main", Map.of("dockhand.toml", AbstractDeploymentsTest.manifest(deployment, port,
                "python"), "app.py", "print('v1')\n"));
        Http.Answer created = work.postJson("/api/v1/deployments", "{\"repo\":\"" + git.url(deployment) + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode build = claim("node-a", "worker");
        report(build, "node-a", "building", null);
        work.append(build.get("id").asText(), "node-a", 1, 1, "build", "Step 1/3 : FROM python\n");
        report(build, "node-a", "running", null);
        report(build, "node-a", "succeeded", "\"exitCode\":0,\"imageId\":\"127.0.0.1:15000/dockhand/" + deployment
                + "@sha256:" + "a".repeat(64) + "\"");
        JsonNode serve = claim("node-m", "manager");
        report(serve, "node-m", "running", null);

        Instant now = Instant.now();
        for (int i = 0; i < RECORDS; i++) {
            postRecord(CONTAINER, "web-1", "node-a", 10 + (i % 7) * 5, (64 + i) * 1024L * 1024,
                       now.minus(Duration.ofMinutes(5L * i)));
        }
        postRecord(OTHER, "db-1", "node-m", 3.5, 256L * 1024 * 1024, now);
    }

    private static JsonNode claim(String node, String role) {
        assertThat(work.heartbeat(node, null, role).status()).isEqualTo(200);
        Http.Answer claim = work.claim(node, "5s");
        assertThat(claim.status()).as(claim.body()).isEqualTo(200);
        return claim.json().get("run");
    }

    private static void report(JsonNode run, String node, String state, String extra) {
        Http.Answer answer = work.report(run.get("id").asText(), node, run.get("attempt").asInt(), state, extra);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    /** A record as an agent in a swarm writes it: the node's host name and its swarm node id, the nodes API's id. */
    private static void postRecord(String id, String name, String node, double cpu, long memory, Instant at) {
        Http.Answer answer = work.http.postJson("/api/v1/records", """
                {"containerId":"%s","name":"%s","image":"nginx:1.27","node":"%s-host","nodeId":"%s","state":"running",
                 "cpuPercent":%s,"memoryBytes":%d,"observedAt":"%s"}""".formatted(id, name, node, node, cpu, memory,
                                                                                   at));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    }

    @Test
    @Order(1)
    void overviewShowsTheNodesTheirUseAndFollowsChangesWithoutReloading() {
        browser.open(base + "/");
        browser.ready();
        assertThat(browser.text("#nodes-up")).isEqualTo("2 up");
        String nodes = browser.text("#overview table");
        assertThat(nodes).contains("node-a", "node-m");
        // node-a's use: the latest record of web-1 (10% of a core, 64 MiB) against 4 CPUs and 8 GiB
        assertThat(browser.find("meter[aria-label^='CPU']").getAttribute("aria-label")).isEqualTo(
                "CPU: 0.1 cores of 4 cores");
        browser.script("window.__sameDocument = true;");
        assertThat(work.heartbeat("node-new", null, "worker").status()).isEqualTo(200);
        browser.until(10, d -> browser.text("#overview").contains("node-new"));
        assertThat(browser.text("#nodes-up")).isEqualTo("3 up");
        assertThat(browser.script("return window.__sameDocument === true;")).isEqualTo(true);
        assertThat(browser.text("#live")).isEqualTo("live");
        browser.screenshot("overview");
    }

    @Test
    @Order(2)
    void nodesShowTheAgentsHeartbeatAndSwarmsViewSideBySide() {
        String manager = """
                {"hostname":"mgr","swarmNodeId":"swarm-m","role":"manager","cpus":2,"memoryBytes":1073741824,
                 "leases":[],"swarmNodes":[{"nodeId":"swarm-m","hostname":"mgr","role":"manager","state":"ready",
                 "availability":"active"}]}""";
        assertThat(work.put("/api/v1/nodes/node-m", manager).status()).isEqualTo(200);
        browser.open(base + "/#/nodes");
        browser.ready();
        // the row's text is read where it is found: a change notice may render the table again meanwhile
        String row = browser.until(10, d -> d.findElements(By.xpath("//tr[td/a[text()='node-m']]")).stream()
                .map(WebElement::getText).filter(text -> text.contains("ready")).findFirst().orElse(null));
        assertThat(row).contains("up", "s ago", "ready", "active", "manager");
        browser.screenshot("nodes");
        browser.click("a[href='#/nodes/node-a']");
        browser.ready();
        assertThat(browser.text("main")).contains("Node node-a", "web-1");
        browser.screenshot("node");
    }

    @Test
    @Order(3)
    void aContainersChartIsDrawnFromItsStoredRecords() {
        browser.open(base + "/#/containers");
        browser.ready();
        assertThat(browser.text("main table")).contains("web-1", "db-1");
        browser.screenshot("containers");
        browser.click("a[href='#/containers/" + CONTAINER + "']");
        browser.ready();
        WebElement charts = browser.find("#charts");
        assertThat(charts.getAttribute("data-records")).isEqualTo(Integer.toString(RECORDS));
        assertThat(Integer.parseInt(charts.getAttribute("data-points"))).isBetween(2, RECORDS);
        assertThat(browser.all("#charts .chart canvas")).hasSize(2);
        assertThat(browser.text("#charts")).contains("CPU", "Memory");
        assertThat(browser.all("#container-records table tbody tr")).hasSize(50); // a page of its records
        browser.screenshot("container");
    }

    @Test
    @Order(4)
    void aRunsLogStreamsAsTheAgentPrintsAndStopsAtTheEnd() throws Exception {
        assertThat(work.heartbeat("node-b", null, "worker").status()).isEqualTo(200);
        Http.Answer submitted = work.submit("?node=node-b", WorkClient.context("dash"));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        JsonNode run = claim("node-b", "worker");
        runId = run.get("id").asText();
        report(run, "node-b", "building", null);
        report(run, "node-b", "running", null);
        browser.open(base + "/#/runs/" + runId);
        browser.ready();
        browser.until(10, d -> browser.text("main").contains("Following the log"));
        assertThat(browser.text("#run-state")).contains("running");
        long sent = System.currentTimeMillis();
        assertThat(work.append(runId, "node-b", 1, 1, "stdout", "first line\n").status()).isEqualTo(204);
        WebElement line = browser.until(5, d -> d.findElements(By.cssSelector("pre.log span[data-end='11']")).stream()
                .findFirst().orElse(null));
        long delay = Long.parseLong(line.getAttribute("data-at")) - sent;
        assertThat(delay).as("ms from the append to the line on the page").isLessThan(1000);
        assertThat(work.append(runId, "node-b", 1, 2, "stderr", "second line\n").status()).isEqualTo(204);
        browser.until(5, d -> browser.text("pre.log").contains("second line"));
        browser.screenshot("run");
        report(run, "node-b", "succeeded", "\"exitCode\":0");
        browser.until(10, d -> "true".equals(browser.find("pre.log").getAttribute("data-ended")));
        assertThat(browser.text("pre.log")).isEqualTo("first line\nsecond line");
        browser.until(10, d -> browser.text("#run-exit").equals("0"));
        assertThat(browser.text("main")).contains("succeeded");

        browser.open(base + "/#/runs");
        browser.ready();
        assertThat(browser.text("main table")).contains(runId.substring(0, 12), "succeeded");
        browser.screenshot("runs");
    }

    @Test
    @Order(5)
    void aJobsProgressAndCancellingItWithTheTokenDialog() {
        String project = "squares";
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            lines.append("{\"taskId\":\"sq-").append(i).append("\",\"repo\":\"git://127.0.0.1:9/r.git\",")
                    .append("\"command\":[\"sh\",\"-c\",\"echo ").append(i * i).append("\"]}\n");
        }
        Http.Answer submitted = AbstractJobsTest.submitLines(work, project, lines.toString());
        assertThat(submitted.status()).as(submitted.body()).isIn(200, 201, 202);
        JsonNode attempt = claim("node-b", "worker");
        report(attempt, "node-b", "building", null);
        report(attempt, "node-b", "running", null);
        browser.open(base + "/#/jobs/" + project);
        browser.ready();
        assertThat(browser.text("#job-head")).contains("0 / 3");
        report(attempt, "node-b", "succeeded", "\"exitCode\":0");
        browser.until(10, d -> browser.text("#job-head").contains("1 / 3 (33%)"));
        assertThat(browser.text("main")).contains("sq-1");
        browser.screenshot("job");

        browser.script("sessionStorage.clear();");
        WebElement cancel = browser.until(5, d -> d.findElements(By.xpath("//button[starts-with(., 'Cancel 2')]"))
                .stream().findFirst().orElse(null));
        cancel.click();
        browser.until(5, d -> browser.find("#confirm-dialog").isDisplayed());
        browser.find("#confirm-ok").click();
        browser.until(5, d -> browser.find("#token-dialog").isDisplayed());
        browser.screenshot("token-dialog");
        browser.find("#token-input").sendKeys("wrong-token", Keys.ENTER);
        browser.until(5, d -> browser.find("#token-error").isDisplayed());
        assertThat(browser.text("#token-error")).isNotEmpty();
        browser.find("#token-input").sendKeys(TOKEN, Keys.ENTER);
        browser.until(10, d -> browser.text("#job-aggregate").equals(
                "3 tasks: 1 succeeded, 0 dead, 2 cancelled; exit codes: 0×1, none×2"));
        assertThat(browser.script("return sessionStorage.getItem('dockhand.token');")).isEqualTo(TOKEN);
        // what the action answered stays on view though the page rendered itself again after it
        browser.until(10, d -> !browser.text("#said").isEmpty());
        assertThat(browser.text("#said")).isEqualTo("Cancel 2 unfinished task(s): Cancelled 2.");
        assertThat(browser.script("return document.activeElement.id;")).as("focus after the page re-rendered")
                .isEqualTo("main");
        assertThat(work.get("/api/v1/jobs/" + project).json().get("counts").get("cancelled").asInt()).isEqualTo(2);
        browser.open(base + "/#/jobs");
        browser.ready();
        assertThat(browser.text("main table")).contains(project, "3 / 3");
        browser.screenshot("jobs");
        browser.open(base + "/#/jobs/" + project + "/tasks/sq-1");
        browser.ready();
        assertThat(browser.text("main")).contains("succeeded", attempt.get("id").asText().substring(0, 12));
        browser.screenshot("task");
    }

    @Test
    @Order(6)
    void aDeploymentsStatusHistoryAndLogs() {
        useOnNode("node-use", 12.34, 100 * 1024 * 1024);
        browser.open(base + "/#/deployments");
        browser.ready();
        assertThat(browser.text("main table")).contains(deployment, "running", "12.3%", "100 MiB");
        browser.screenshot("deployments");
        browser.click("a[href='#/deployments/" + deployment + "']");
        browser.ready();
        assertThat(browser.text("#deployment-status")).isEqualTo("running");
        String history = browser.text("#deployment-history");
        assertThat(history).contains("requested", "building", "pushing", "starting", "running");
        browser.until(10, d -> browser.text("main").contains("Step 1/3 : FROM python"));
        // read where found: a change notice may render the page again between finding a button and reading it
        List<String> buttons = browser.until(10, d -> d.findElements(By.cssSelector("button")).stream()
                .map(WebElement::getText).toList());
        assertThat(buttons).contains("Update", "Destroy");
        assertThat(browser.text("#deployment-use")).isEqualTo("12.3% CPU, 100 MiB (1 container)");
        browser.screenshot("deployment");
        // the use follows the heartbeats without a reload (the change feed notices it at most every 5 s)
        useOnNode("node-use", 45.6, 200 * 1024 * 1024);
        browser.until(15, d -> browser.text("#deployment-use").equals("45.6% CPU, 200 MiB (1 container)"));
    }

    /** A heartbeat of {@code node} saying that one replica of the deployment uses this much there. */
    private static void useOnNode(String node, double cpuPercent, long memoryBytes) {
        Http.Answer beat = work.heartbeat(node, null, "worker", "[{\"name\":\"" + deployment + "\",\"containers\":1,"
                + "\"cpuPercent\":" + cpuPercent + ",\"memoryBytes\":" + memoryBytes + "}]");
        assertThat(beat.status()).as(beat.body()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void recordsAreSearchedWithTheApisFiltersAndPaged() {
        browser.open(base + "/#/records");
        browser.ready();
        browser.find("#r-node").sendKeys("node-a-host");
        browser.find("main form button[type='submit']").click();
        browser.until(10, d -> d.getCurrentUrl().contains("node=node-a-host"));
        browser.ready();
        assertThat(browser.all("main table tbody tr")).hasSize(50);
        assertThat(browser.text("main table")).contains("web-1").doesNotContain("db-1");
        browser.find("main .actions button:nth-of-type(2)").click();
        browser.until(10, d -> browser.text("main").contains("page 2"));
        assertThat(browser.all("main table tbody tr")).hasSize(RECORDS - 50);
        browser.screenshot("records");
    }

    /**
     * A browser opens at most six HTTP/1.1 connections to one host. A stream per tab, or the stream of a reloaded
     * page kept in the back/forward cache (Chromium held it for about a minute), took them all: the next page's
     * requests waited, and the page stalled.
     */
    @Test
    @Order(8)
    void reloadsAndManyTabsLeaveConnectionsForThePagesRequests() throws Exception {
        try (Browser many = Browser.start(1280, 1000)) {
            for (int i = 0; i < 8; i++) {
                many.open(base + "/?reload=" + i);
                many.until(10, d -> !d.findElements(By.cssSelector("main[data-ready]")).isEmpty());
                many.until(10, d -> "live".equals(many.text("#live")));
            }
            List<String> tabs = new ArrayList<>(List.of(many.driver().getWindowHandle()));
            for (int i = 0; i < 8; i++) {
                many.driver().switchTo().newWindow(WindowType.TAB);
                tabs.add(many.driver().getWindowHandle());
                many.open(base + "/");
                many.until(10, d -> !d.findElements(By.cssSelector("main[data-ready]")).isEmpty());
                many.until(10, d -> "live".equals(many.text("#live")));
            }
            assertThat(work.heartbeat("node-tabs", null, "worker").status()).isEqualTo(200);
            for (String tab : tabs) { // every tab hears of the change
                many.driver().switchTo().window(tab);
                many.until(10, d -> many.text("#overview").contains("node-tabs"));
            }
        }
    }

    /** Only the tab on view holds a stream: a hidden tab lets go of it, and so does a page left. */
    @Test
    @Order(9)
    void onlyTheTabOnViewHoldsAStreamAndNoneOnceLeft() throws Exception {
        browser.open("about:blank"); // the other tests' browser: no dashboard but the one below
        try (Browser tabs = Browser.start(1280, 1000)) {
            tabs.open(base + "/");
            tabs.ready();
            for (int i = 0; i < 3; i++) {
                tabs.driver().switchTo().newWindow(WindowType.TAB);
                tabs.open(base + "/#/nodes");
                tabs.ready();
                tabs.until(10, d -> "live".equals(tabs.text("#live")));
            }
            // the store sees a stream's end at its second keep-alive after it (every 5 s)
            assertThat(awaitSubscribers(1)).as("open event streams, 4 tabs, 1 on view").isEqualTo(1);
            tabs.open("about:blank");
            assertThat(awaitSubscribers(0)).as("open event streams, no dashboard open").isZero();
        }
    }

    private static int awaitSubscribers(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // a close is noticed within ~10 s
        while (subscribers() != n && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        return subscribers();
    }

    private static int subscribers() {
        Matcher open = Pattern.compile("(?m)^dockhand_events_subscribers (\\S+)$")
                .matcher(work.http.get("/observe/metrics").body());
        assertThat(open.find()).isTrue();
        return (int) Double.parseDouble(open.group(1));
    }

    @Test
    @Order(10)
    void aPhoneSizedWindowKeepsThePageUsable() throws Exception {
        try (Browser phone = Browser.start(390, 844)) {
            phone.open(base + "/#/runs/" + runId);
            phone.ready();
            long overflow = (Long) phone.script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(overflow).as("horizontal overflow of the page").isLessThanOrEqualTo(0);
            phone.screenshot("phone-run");
            // keyboard: the first Tab reaches the skip link, then the navigation, each with a visible focus ring
            phone.find("body").sendKeys(Keys.TAB);
            assertThat(phone.script("return document.activeElement.textContent;")).isEqualTo("Skip to content");
            phone.find("body").sendKeys(Keys.TAB);
            assertThat(phone.script("return document.activeElement.textContent;")).isEqualTo("Dockhand");
            assertThat(phone.script("return getComputedStyle(document.activeElement).outlineStyle;"))
                    .isEqualTo("solid");
        }
    }

    @Test
    @Order(11)
    void aBannerSaysSoWhenTheControlPlaneDoesNotAnswer() {
        browser.open(base + "/");
        browser.ready();
        assertThat(browser.find("#banner").isDisplayed()).isFalse();
        server.close();
        server = null;
        browser.until(20, d -> browser.find("#banner").isDisplayed());
        assertThat(browser.text("#banner")).contains("The control plane does not answer");
        browser.screenshot("banner");
    }
}
