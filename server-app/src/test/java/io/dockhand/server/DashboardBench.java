package io.dockhand.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.dockhand.server.databases.Directories;
import io.dockhand.server.db.Database;

import com.fasterxml.jackson.databind.JsonNode;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

/**
 * The dashboard's benchmark (bench/dashboard-bench.sh runs it): an H2 store seeded with 30 nodes (heartbeats through
 * the API, every 2 s as agents do), 400 containers and 1,000,000 records over the last 7 days (bulk-loaded with
 * SQL into the store's own schema, indexes built afterwards, before the store starts: through the API it would
 * take many minutes), the packaged store as its own process, and headless Chromium measuring what issue 14 asks for.
 */
public final class DashboardBench {
    private static final int NODES = 30;
    private static final int CONTAINERS = 400;
    private static final int RECORDS = Integer.getInteger("bench.records", 1_000_000);
    private static final String TOKEN = "bench-token";

    private DashboardBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("dockhand-dashboard-bench");
        ScheduledExecutorService agents = Executors.newSingleThreadScheduledExecutor();
        List<Browser> browsers = new ArrayList<>();
        try {
            Path db = dir.resolve("db");
            long started = System.nanoTime();
            seed(db);
            System.out.printf("seeded %,d records of %d containers (one INSERT ... SELECT into the store's schema, indexes built after) in %.1f s%n",
                              RECORDS, CONTAINERS, (System.nanoTime() - started) / 1e9);
            Files.writeString(dir.resolve("token"), TOKEN);
            try (ServerProcess store = ServerProcess.start(dir, 0, Map.of("dir", db.toString(),
                    "tokenfile", dir.resolve("token").toString()), "bench-store", List.of())) {
                String base = "http://127.0.0.1:" + store.port();
                WorkClient work = new WorkClient(new Http(base), TOKEN);
                agents.scheduleWithFixedDelay(() -> {
                    for (int n = 0; n < NODES; n++) {
                        work.heartbeat(node(n), null, n < 3 ? "manager" : "worker");
                    }
                }, 0, 2, TimeUnit.SECONDS);
                Thread.sleep(3000);
                Browser browser = Browser.start(1280, 1000);
                browsers.add(browser);

                // warm the store's JIT and caches with one load first, as a running control plane is warm
                browser.open(base + "/");
                browser.ready();
                List<Double> overview = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    browser.open(base + "/?" + i);
                    browser.ready();
                    overview.add(((Number) browser.script("return window.__dockhand.readyAt;")).doubleValue());
                }
                System.out.printf("overview interactive (navigation start to nodes, use and counts shown; 30 nodes,"
                        + " 400 containers): median %.0f ms, max %.0f ms%n", median(overview), max(overview));

                for (int i = 0; i < 3; i++) {
                    long t0 = System.nanoTime();
                    Http.Answer series = work.http.get("/api/v1/containers/" + container(10 + i) + "/series?since="
                            + Instant.now().minus(Duration.ofDays(7)) + "&points=500");
                    System.out.printf("series route alone (HTTP from the bench): %d in %.0f ms, %d bytes%n",
                                      series.status(), (System.nanoTime() - t0) / 1e6, series.body().length());
                }
                try {
                    chart(browser);
                } catch (RuntimeException e) {
                    System.out.println("container chart: NOT drawn within 30 s (" + e.getClass().getSimpleName()
                            + "); screenshot bench-chart-failed.png; going on");
                    browser.open(base + "/");
                    browser.ready();
                }

                long before = rss(store.pid());
                for (int b = 0; b < 4; b++) {
                    Browser more = b == 0 ? browser : Browser.start(1280, 1000);
                    if (b > 0) {
                        browsers.add(more);
                    }
                    int tabs = b < 2 ? 3 : 2;
                    for (int t = 0; t < tabs; t++) {
                        if (b > 0 || t > 0) {
                            more.driver().switchTo().newWindow(WindowType.TAB);
                        }
                        more.open(base + "/");
                        more.ready();
                        more.until(10, d -> "live".equals(more.text("#live")));
                    }
                }
                work.heartbeat("node-extra", null, "worker"); // a change every dashboard fetches
                Thread.sleep(5000);
                long after = rss(store.pid());
                System.out.printf("store RSS: %.1f MiB before, %.1f MiB with 10 open dashboards (live) -> growth"
                        + " %.1f MiB%n", before / 1024.0, after / 1024.0, (after - before) / 1024.0);

                List<Double> delays = logDelays(work, browser, base);
                System.out.printf("log line delay (agent's append sent -> line on the page), %d lines: median %.0f"
                        + " ms, max %.0f ms%n", delays.size(), median(delays), max(delays));
            }
        } finally {
            agents.shutdownNow();
            if (Files.exists(dir.resolve("bench-store.log"))) {
                Files.copy(dir.resolve("bench-store.log"), Path.of("target", "bench-store.log"),
                           java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            for (Browser browser : browsers) {
                browser.close();
            }
            Directories.deleteTree(dir);
        }
    }

    private static void chart(Browser browser) {
        List<Double> chart = new ArrayList<>();
        List<Double> page = new ArrayList<>();
        String records = null;
        String points = null;
        for (int i = 0; i < 5; i++) {
            browser.script("location.hash = '#/containers/" + container(i) + "?range=7d';");
            try {
                browser.until(30, d -> !d.findElements(By.cssSelector("main[data-ready] #charts canvas"))
                        .isEmpty());
            } catch (RuntimeException e) {
                browser.screenshot("bench-chart-failed");
                System.out.println("no chart; the page says: " + browser.text("main"));
                throw e;
            }
            records = browser.find("#charts").getAttribute("data-records");
            points = browser.find("#charts").getAttribute("data-points");
            if (i == 0) {
                browser.screenshot("bench-container");
            }
            chart.add(((Number) browser.script("return window.__dockhand.timings.chart;")).doubleValue());
            page.add(((Number) browser.script("return window.__dockhand.timings.Container;")).doubleValue());
            browser.script("location.hash = '#/';");
            browser.ready();
        }
        System.out.printf("container chart, a week of records (%s records -> %s points): series fetched and"
                + " drawn median %.0f ms, max %.0f ms; whole container page median %.0f ms%n", records,
                points, median(chart), max(chart), median(page));

    }

    private static List<Double> logDelays(WorkClient work, Browser browser, String base) throws Exception {
        Http.Answer submitted = work.submit("?node=" + node(5), WorkClient.context("bench"));
        if (submitted.status() != 201) {
            throw new IllegalStateException(submitted.body());
        }
        JsonNode run = null;
        for (int i = 0; i < 10 && run == null; i++) {
            Http.Answer claim = work.claim(node(5), "5s");
            if (claim.status() == 200) {
                run = claim.json().get("run");
            }
        }
        String id = run.get("id").asText();
        work.report(id, node(5), 1, "building", null);
        work.report(id, node(5), 1, "running", null);
        browser.open(base + "/#/runs/" + id);
        browser.ready();
        browser.until(10, d -> browser.text("main").contains("Following the log"));
        List<Double> delays = new ArrayList<>();
        long end = 0;
        for (int i = 1; i <= 20; i++) {
            String line = "line " + i + " of the bench\n";
            long sent = System.currentTimeMillis();
            work.append(id, node(5), 1, i, "stdout", line);
            end += line.length();
            String css = "pre.log span[data-end='" + end + "']";
            WebElement shown = browser.until(10, d -> d.findElements(By.cssSelector(css)).stream().findFirst()
                    .orElse(null));
            delays.add((double) (Long.parseLong(shown.getAttribute("data-at")) - sent));
            Thread.sleep(200);
        }
        return delays;
    }

    /**
     * The records in one {@code INSERT ... SELECT} over H2's {@code SYSTEM_RANGE}, with the secondary indexes and the
     * id constraint dropped during the load and built once afterwards, as a bulk load does; the containers' latest
     * rows from the last round. The documents have the shape the store writes.
     */
    private static void seed(Path db) throws Exception {
        StoreSettings settings = StoreSettings.create(StoreServerExtension.config(Map.of("dir", db.toString()))
                                                              .get("store"));
        try (Database database = Database.open(settings); Connection c = database.dataSource().getConnection();
             Statement sql = c.createStatement()) {
            c.setAutoCommit(true);
            long now = Instant.now().toEpochMilli() * 1000;
            long span = Duration.ofDays(7).toNanos() / 1000;
            int perContainer = RECORDS / CONTAINERS;
            long step = span / perContainer;
            int total = perContainer * CONTAINERS;
            for (String index : List.of("records_by_time", "records_by_container", "records_by_node",
                                        "records_by_image")) {
                sql.execute("DROP INDEX " + index);
            }
            sql.execute("ALTER TABLE records DROP CONSTRAINT records_id_unique");
            String obs = "(" + (now - span - 1_000_000) + " + (k + 1) * " + step + ")";
            sql.execute("""
                    INSERT INTO records (seq, id, container_id, node, image, observed_us, received_us, document)
                    SELECT x + 1, CAST(u AS UUID), cid, node, image, obs, obs,
                      '{"containerId":"' || cid || '","name":"svc-' || ct || '","image":"' || image
                      || '","node":"' || node || '","state":"running","cpuPercent":'
                      || CAST(ROUND(5 + 40 * ABS(SIN((k + ct) / 30.0)), 2) AS DOUBLE PRECISION)
                      || ',"memoryBytes":' || CAST((64 + MOD(ct, 64) * 8 + MOD(k, 50)) * 1048576 AS BIGINT)
                      || ',"memoryLimitBytes":1073741824,"observedAt":"' || at || '","verified":true,"id":"' || u
                      || '","receivedAt":"' || at || '"}'
                    FROM (SELECT x, ct, k, cid, node, image, obs, u,
                            FORMATDATETIME(DATEADD('SECOND', obs / 1000000, TIMESTAMP '1970-01-01 00:00:00'),
                                           'yyyy-MM-dd''T''HH:mm:ss''Z''') AS at
                          FROM (SELECT x, k, MOD(x, %1$d) AS ct,
                                  'c0ffee' || LPAD(CAST(MOD(x, %1$d) AS VARCHAR), 6, '0') || REPEAT('0', 52) AS cid,
                                  'node-' || LPAD(CAST(MOD(MOD(x, %1$d), %2$d) AS VARCHAR), 2, '0') AS node,
                                  'app-' || MOD(MOD(x, %1$d), 20) || ':1.' || MOD(MOD(x, %1$d), 3) AS image,
                                  CAST(%3$s AS BIGINT) AS obs,
                                  '00000000-0000-4000-8000-' || LPAD(CAST(x AS VARCHAR), 12, '0') AS u
                                FROM (SELECT X AS x, X / %1$d AS k FROM SYSTEM_RANGE(0, %4$d))))
                    """.formatted(CONTAINERS, NODES, obs, total - 1));
            sql.execute("INSERT INTO containers (container_id, record_seq, observed_us, node, image)"
                    + " SELECT container_id, seq, observed_us, node, image FROM records WHERE seq > "
                    + (total - CONTAINERS));
            sql.execute("ALTER TABLE records ADD CONSTRAINT records_id_unique UNIQUE (id)");
            sql.execute("CREATE INDEX records_by_time      ON records (observed_us DESC, seq DESC)");
            sql.execute("CREATE INDEX records_by_container ON records (container_id, observed_us DESC, seq DESC)");
            sql.execute("CREATE INDEX records_by_node      ON records (node, observed_us DESC, seq DESC)");
            sql.execute("CREATE INDEX records_by_image     ON records (image, observed_us DESC, seq DESC)");
            sql.execute("ALTER TABLE records ALTER COLUMN seq RESTART WITH " + (total + 1));
        }
    }

    static String container(int n) {
        return "c0ffee" + String.format("%06d", n) + "0".repeat(52);
    }

    static String node(int n) {
        return String.format("node-%02d", n);
    }

    private static long rss(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static double max(List<Double> values) {
        return Collections.max(values);
    }
}
