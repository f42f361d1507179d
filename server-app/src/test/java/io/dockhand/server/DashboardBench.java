package io.dockhand.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.dockhand.web.browser.Browser;

import org.openqa.selenium.By;

import static io.dockhand.server.DashboardSeed.container;
import static io.dockhand.server.DashboardSeed.node;

/**
 * The dashboard's benchmark (bench/dashboard-bench.sh runs it; issue 14): an H2 store seeded by {@link DashboardSeed}
 * with 30 nodes (heartbeating through the API every 2 s as agents do), 400 containers and 1,000,000 records over the
 * last 7 days, the packaged store as its own process with its image's heap bound, and headless Chromium measuring
 * the four figures the issue asks for, each next to its goal and, where it makes sense, a baseline taken in the same
 * run: the same requests sent by the bench alone over HTTP. It prints figures and asserts nothing.
 */
public final class DashboardBench {
    private static final int RECORDS = Integer.getInteger("bench.records", 1_000_000);
    private static final int DASHBOARDS = 10;
    /** Samples of the page-load figures: on a busy machine five left the median to chance. */
    private static final int LOADS = 15;
    private static final int CHARTS = 10;
    /** What to measure (all by default; a few while trying something): overview, chart, rss, log. */
    private static final List<String> PHASES = List.of(System.getProperty("bench.phases", "overview,chart,rss,log")
                                                               .split(","));
    private static final String TOKEN = "bench-token";
    /** The store's JVM options in its image (server-app/Dockerfile). */
    private static final List<String> STORE_JVM = List.of("-XX:+ExitOnOutOfMemoryError", "-Xmx512m");

    private final BenchRun run;
    private final BenchHttp http;
    private final WorkClient work;
    private final String base;
    private final ServerProcess store;
    private final List<BenchFigure> figures = new ArrayList<>();
    /** The lease the agent of node 5 holds in its heartbeats (the bench's run), or null. */
    private volatile String lease;

    private DashboardBench(BenchRun run, ServerProcess store) {
        this.run = run;
        this.store = store;
        this.base = "http://127.0.0.1:" + store.port();
        this.http = new BenchHttp(base);
        this.work = new WorkClient(new Http(base), TOKEN);
    }

    public static void main(String[] args) throws Exception {
        try (BenchRun run = BenchRun.start("dockhand-dashboard-bench")) {
            System.out.printf("load at start: %s; %d CPUs%n", BenchFigure.load(),
                              Runtime.getRuntime().availableProcessors());
            Path db = run.dir().resolve("db");
            long started = System.nanoTime();
            int records = DashboardSeed.seed(db, RECORDS);
            System.out.printf("seeded %,d records of %d containers (one INSERT ... SELECT into the store's schema,"
                    + " indexes built after) in %.1f s; load %s%n", records, DashboardSeed.CONTAINERS,
                    (System.nanoTime() - started) / 1e9, BenchFigure.load());
            Files.writeString(run.dir().resolve("token"), TOKEN);
            ServerProcess store = run.store(Map.of("dir", db.toString(), "tokenfile",
                    run.dir().resolve("token").toString()), STORE_JVM);
            new DashboardBench(run, store).measure(records);
        }
    }

    private void measure(int records) throws Exception {
        ScheduledExecutorService agents = run.task(Executors.newSingleThreadScheduledExecutor());
        agents.scheduleWithFixedDelay(() -> {
            try {
                for (int n = 0; n < DashboardSeed.NODES; n++) {
                    work.heartbeat(node(n), n == 5 ? lease : null, n < 3 ? "manager" : "worker");
                }
            } catch (RuntimeException e) {
                System.out.println("heartbeats: " + e); // and again in 2 s, as an agent would
            }
        }, 0, 2, TimeUnit.SECONDS);
        Thread.sleep(3000);
        Browser browser = run.browser(1280, 1000);
        if (PHASES.contains("overview")) {
            overview(browser);
        }
        if (PHASES.contains("chart")) {
            chart(browser, records);
        }
        if (PHASES.contains("rss")) {
            rss(browser);
        }
        if (PHASES.contains("log")) {
            logDelay(browser);
        }
        System.out.printf("%n%,d records, %d nodes, %d containers; store: %s; load at the end: %s%n", records,
                          DashboardSeed.NODES, DashboardSeed.CONTAINERS, String.join(" ", STORE_JVM),
                          BenchFigure.load());
        BenchFigure.table(figures).forEach(System.out::println);
    }

    /** Navigation start to the overview rendered (nodes, use, counts), fresh page loads after a warm one. */
    private void overview(Browser browser) {
        browser.open(base + "/");
        browser.ready();
        List<Double> loads = new ArrayList<>();
        List<Double> alone = new ArrayList<>();
        List<double[]> phases = new ArrayList<>();
        for (int i = 0; i < LOADS; i++) {
            browser.open(base + "/?load=" + i);
            browser.ready();
            loads.add(number(browser.script("return window.__dockhand.readyAt;")));
            phases.add(phases(browser));
            alone.add(http.parallel(List.of("/api/v1/nodes", "/api/v1/containers?limit=1000",
                    "/api/v1/runs?limit=200", "/api/v1/runs?state=failed&limit=5", "/api/v1/runs?state=lost&limit=5",
                    "/api/v1/jobs", "/api/v1/deployments")));
        }
        add(BenchFigure.millis("overview interactive", loads, 1000,
                "its 7 API requests alone, in parallel", alone));
        System.out.printf("  where the time goes (medians, ms since navigation start): page and its scripts in %.0f,"
                + " first API request sent at %.0f, last answered at %.0f, rendered at %.0f%n",
                BenchFigure.median(phases.stream().map(p -> p[0]).toList()),
                BenchFigure.median(phases.stream().map(p -> p[1]).toList()),
                BenchFigure.median(phases.stream().map(p -> p[2]).toList()), BenchFigure.median(loads));
    }

    /** From the page's resource timings: its own files loaded, its first API request sent, its last answered. */
    private static double[] phases(Browser browser) {
        @SuppressWarnings("unchecked")
        List<Number> times = (List<Number>) browser.script("""
                const all = performance.getEntriesByType('resource');
                const api = all.filter((e) => e.name.includes('/api/v1/') && !e.name.includes('/api/v1/events'));
                const files = all.filter((e) => e.name.includes('/dashboard/'));
                return [Math.max(...files.map((e) => e.responseEnd)), Math.min(...api.map((e) => e.startTime)),
                        Math.max(...api.map((e) => e.responseEnd))];""");
        return times.stream().mapToDouble(Number::doubleValue).toArray();
    }

    /**
     * A container's page with a week of records: from the overview (its link followed in the page) to both charts
     * drawn, and a fresh load of the container's page (navigation start to charts drawn), each container read for
     * the first time; the series route alone for as many other containers, also read for the first time, is the
     * baseline.
     */
    private void chart(Browser browser, int records) {
        List<Double> alone = new ArrayList<>();
        for (int i = 0; i < CHARTS; i++) {
            alone.add(http.time("/api/v1/containers/" + container(CHARTS + i) + "/series?since="
                    + Instant.now().minus(Duration.ofDays(7)) + "&points=500"));
        }
        List<Double> inPage = new ArrayList<>();
        List<Double> wholePage = new ArrayList<>();
        String shape = "";
        for (int i = 0; i < CHARTS; i++) {
            follow(browser, "#/containers/" + container(i) + "?range=7d");
            if (!charted(browser, "bench-chart-failed")) {
                add(BenchFigure.failed("container chart, 7 days", "not drawn within 30 s (screenshot"
                        + " target/screenshots/bench-chart-failed.png)"));
                return;
            }
            inPage.add(number(browser.script("return window.__dockhand.timings.chart;")));
            wholePage.add(number(browser.script("return window.__dockhand.timings.Container;")));
            shape = browser.find("#charts").getAttribute("data-records") + " records -> "
                    + browser.find("#charts").getAttribute("data-points") + " points";
            if (i == 0) {
                browser.screenshot("bench-container");
            }
            follow(browser, "#/");
        }
        List<Double> fresh = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            browser.open(base + "/?load=c" + i + "#/containers/" + container(2 * CHARTS + i) + "?range=7d");
            if (!charted(browser, "bench-chart-fresh-failed")) {
                break;
            }
            fresh.add(number(browser.script("return window.__dockhand.timings.chartDrawnAt;")));
        }
        add(BenchFigure.millis("container chart, 7 days (" + shape + "), link followed", inPage, 1000,
                "series route alone", alone));
        add(BenchFigure.millis("  container page, whole (head, charts, records)", wholePage, 0, null, null));
        if (!fresh.isEmpty()) {
            add(BenchFigure.millis("  container page loaded afresh, to charts drawn", fresh, 0, null, null));
        }
    }

    /** Follows an in-page link: the page marks itself ready again once the new view has rendered. */
    private static void follow(Browser browser, String hash) {
        browser.script("document.getElementById('main').removeAttribute('data-ready'); location.hash = arguments[0];",
                       hash);
        browser.ready();
    }

    private static boolean charted(Browser browser, String screenshot) {
        try {
            browser.until(30, d -> d.findElements(By.cssSelector("main[data-ready] #charts canvas")).size() == 2);
            return true;
        } catch (RuntimeException e) {
            browser.screenshot(screenshot);
            System.out.println("no chart; the page says: " + browser.text("main").replace('\n', ' '));
            return false;
        }
    }

    /**
     * The store's RSS with no dashboard open, then with {@value #DASHBOARDS} browsers on the overview, each its own
     * stream, for 30 s during which a node changes and a record arrives every 2 s (every dashboard reads again what
     * they change: the nodes every 2 s, the containers every 5 s, as the store notices records). Twice: the
     * first time is the figure (a store that never had that many dashboards); the second, after they all closed,
     * tells what stays from what the first time only touched once (the JVM's heap pages).
     */
    private void rss(Browser browser) throws Exception {
        browser.open("about:blank");
        String name = "store RSS growth, " + DASHBOARDS + " open dashboards";
        add(rssRound(name, 50));
        add(rssRound("  the same again, after they closed", 0));
    }

    private BenchFigure rssRound(String name, double goal) throws Exception {
        // the store sees a stream's end when a keep-alive (every 5 s) cannot be written: the first after the end
        // still goes into the socket, the second fails
        http.awaitSubscribers(0, Duration.ofSeconds(60));
        Thread.sleep(2000);
        long before = rss();
        double heapBefore = http.metric("jvm_memory_committed_bytes{area=\"heap\"");
        List<Browser> dashboards = new ArrayList<>();
        try {
            for (int i = 0; i < DASHBOARDS; i++) {
                Browser dashboard = run.browser(1280, 1000);
                dashboards.add(dashboard);
                dashboard.open(base + "/");
                dashboard.ready();
                dashboard.until(20, d -> "live".equals(dashboard.text("#live")));
            }
            int subscribers = http.awaitSubscribers(DASHBOARDS, Duration.ofSeconds(60));
            long peak = 0;
            for (int s = 0; s < 30; s++) {
                if (s % 2 == 0) { // a node's change and a record, as agents make them
                    work.put("/api/v1/nodes/node-extra", """
                            {"hostname":"extra","role":"worker","cpus":4,"memoryBytes":8589934592,
                             "containersRunning":%d,"leases":[]}""".formatted(s % 4));
                    work.http.postJson("/api/v1/records", """
                            {"containerId":"%s","name":"svc-%d","image":"app-1:1.0","node":"%s","state":"running",
                             "cpuPercent":12.5,"memoryBytes":134217728,"observedAt":"%s"}"""
                            .formatted(container(s), s, node(s % DashboardSeed.NODES), Instant.now()));
                }
                Thread.sleep(1000);
                peak = Math.max(peak, rss());
            }
            long after = rss();
            double heapAfter = http.metric("jvm_memory_committed_bytes{area=\"heap\"");
            return BenchFigure.mebibytes(name, before, after, peak, goal, subscribers, heapBefore, heapAfter);
        } finally {
            dashboards.forEach(run::close);
        }
    }

    /** Agent's append sent to the line on the page, beside the same stream read by the bench alone. */
    private void logDelay(Browser browser) throws Exception {
        Http.Answer submitted = work.submit("?node=" + node(5), WorkClient.context("bench"));
        if (submitted.status() != 201) {
            throw new IllegalStateException(submitted.body());
        }
        String id = null;
        for (int i = 0; i < 10 && id == null; i++) {
            Http.Answer claim = work.claim(node(5), "5s");
            if (claim.status() == 200) {
                id = claim.json().get("run").get("id").asText();
            }
        }
        if (id == null) {
            throw new IllegalStateException("the bench's run was never handed out");
        }
        lease = "[{\"runId\":\"" + id + "\",\"attempt\":1}]"; // else the run is lost after 10 s
        work.heartbeat(node(5), lease, "worker");
        work.report(id, node(5), 1, "building", null);
        work.report(id, node(5), 1, "running", null);
        browser.open(base + "/#/runs/" + id);
        browser.ready();
        browser.until(10, d -> browser.text("main").contains("Following the log"));
        List<Double> page = new ArrayList<>();
        List<Double> alone = new ArrayList<>();
        try (BenchHttp.LogReader reader = http.follow("/api/v1/runs/" + id + "/logs")) {
            long end = 0;
            for (int i = 1; i <= 20; i++) {
                String line = "line " + i + " of the bench\n";
                long sent = System.currentTimeMillis();
                Http.Answer appended = work.append(id, node(5), 1, i, "stdout", line);
                if (appended.status() != 204) {
                    throw new IllegalStateException("append: " + appended.status() + " " + appended.body());
                }
                end += line.length();
                String css = "pre.log span[data-end='" + end + "']";
                String at = browser.until(10, d -> d.findElements(By.cssSelector(css)).stream().findFirst()
                        .map(span -> span.getAttribute("data-at")).orElse(null));
                page.add((double) (Long.parseLong(at) - sent));
                alone.add((double) (reader.arrival(end, Duration.ofSeconds(10)) - sent));
                Thread.sleep(200);
            }
        } finally {
            work.report(id, node(5), 1, "succeeded", "\"exitCode\":0");
            lease = null;
        }
        add(BenchFigure.millis("log line delay, 20 lines", page, 250, "the log's stream read alone", alone));
    }

    private void add(BenchFigure figure) {
        figures.add(figure);
        System.out.printf("%s: %s%s (load %s)%n", figure.name().strip(), figure.measured(),
                          figure.baseline().isEmpty() ? "" : "; " + figure.baseline(), BenchFigure.load());
    }

    private long rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + store.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + store.pid());
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }
}
