package io.dockhand.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.dockhand.server.databases.Directories;
import io.dockhand.server.databases.TestDatabase;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.dockhand.server.AbstractBadInputTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nodes and runs (issue 11) against a real store, as agents and users call it: heartbeats and node status,
 * submitting contexts, the claim/report/log protocol, leases that expire for real, reading and following logs,
 * cancelling, the apvs upload. The store runs with short times (down after 1s, leases of 2s) and small limits.
 */
abstract class AbstractNodesAndRunsTest {
    static final String TOKEN = "work-token-for-tests";
    private static Path dir;
    private static StoreServer server;
    private static TestDatabase db;
    static WorkClient work;
    static WorkClient anonymous;

    @BeforeAll
    static void start(TestDatabase database) throws Exception {
        db = database;
        dir = Files.createTempDirectory("dockhand-work");
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Map<String, String> store = new HashMap<>(database.storeConfig());
        store.put("tokenfile", tokenFile.toString());
        store.put("nodes.downafter", "1s");
        store.put("runs.lease", "2s");
        store.put("runs.maxcontext", "3m");
        store.put("runs.maxlog", "64k");
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

    static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** A node that is up, with a run submitted to it and claimed: {runId, attempt}. */
    static JsonNode claimed(String node, String marker) {
        assertThat(work.heartbeat(node, null).status()).isEqualTo(200);
        Http.Answer submitted = work.submit("?node=" + node, WorkClient.context(marker));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        Http.Answer claim = work.claim(node, "5s");
        assertThat(claim.status()).as(claim.body()).isEqualTo(200);
        assertThat(claim.json().get("run").get("id").asText()).isEqualTo(submitted.json().get("id").asText());
        return claim.json().get("run");
    }

    static JsonNode run(String id) {
        Http.Answer answer = work.http.get("/api/v1/runs/" + id);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    @Test
    void aHeartbeatRegistersTheNodeAndItIsListedWithSwarmsView() {
        Http.Answer beat = work.heartbeat("n-list", null);
        assertThat(beat.status()).as(beat.body()).isEqualTo(200);
        assertThat(beat.json().get("leaseSeconds").asLong()).isEqualTo(2);
        assertThat(beat.json().get("stop")).isEmpty();
        assertThat(beat.json().get("node").get("status").asText()).isEqualTo("up");

        String manager = """
                {"hostname":"mgr","swarmNodeId":"swarm-mgr","role":"manager","cpus":2,"memoryBytes":1073741824,
                 "leases":[],"swarmNodes":[{"nodeId":"swarm-mgr","hostname":"mgr","role":"manager","state":"ready",
                 "availability":"active"},{"nodeId":"swarm-w","hostname":"w","role":"worker","state":"down",
                 "availability":"drain"}]}""";
        assertThat(work.put("/api/v1/nodes/swarm-mgr", manager).status()).isEqualTo(200);

        JsonNode list = work.http.get("/api/v1/nodes").json();
        assertThat(list.get("nextCursor").isNull()).isTrue();
        List<String> ids = new ArrayList<>();
        list.get("items").forEach(n -> ids.add(n.get("id").asText()));
        assertThat(ids).contains("n-list", "swarm-mgr").isSorted();

        JsonNode node = work.http.get("/api/v1/nodes/n-list").json();
        assertThat(node.get("hostname").asText()).isEqualTo("n-list-host");
        assertThat(node.get("cpus").asInt()).isEqualTo(4);
        assertThat(node.get("labels").get("zone").asText()).isEqualTo("a");
        assertThat(node.get("containersRunning").asInt()).isEqualTo(3);
        assertThat(node.get("registeredAt").asText()).isNotBlank();
        JsonNode mgr = work.http.get("/api/v1/nodes/swarm-mgr").json();
        assertThat(mgr.get("swarm").get("state").asText()).isEqualTo("ready");
        assertThat(mgr.get("swarm").get("availability").asText()).isEqualTo("active");

        assertProblem(work.http.get("/api/v1/nodes/nobody"), 404, "node-not-found", "nobody");
        assertProblem(work.put("/api/v1/nodes/-bad", "{}"), 400, "invalid-node-id", "node id");
        assertProblem(work.put("/api/v1/nodes/n-list", "{\"cpus\":\"many\"}"), 422, "invalid-body", "NodeHeartbeat");
    }

    @Test
    void envValuesAreShownOnlyWithTheToken() throws Exception {
        work.heartbeat("n-env", null);
        Http.Answer submitted = work.submit("?node=n-env&env=SECRET%3Ds3cr3t&env=MODE%3Dfast",
                                            WorkClient.context("env"));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String id = submitted.json().get("id").asText();
        JsonNode hidden = anonymous.http.get("/api/v1/runs/" + id).json().get("env");
        assertThat(hidden.get("SECRET").asText()).isEqualTo("******");
        assertThat(hidden.get("MODE").asText()).isEqualTo("******");
        assertThat(anonymous.http.get("/api/v1/runs/" + id).body()).doesNotContain("s3cr3t");
        assertThat(anonymous.http.get("/api/v1/runs?node=n-env").body()).doesNotContain("s3cr3t").contains("SECRET");
        Http.Answer wrong = new WorkClient(work.http, "not-the-token").get("/api/v1/runs/" + id);
        assertThat(wrong.body()).doesNotContain("s3cr3t").contains("******");
        assertThat(work.get("/api/v1/runs/" + id).json().get("env").get("SECRET").asText()).isEqualTo("s3cr3t");
        assertThat(work.get("/api/v1/runs?node=n-env").json().get("items").get(0).get("env").get("SECRET")
                           .asText()).isEqualTo("s3cr3t");
        Http.Answer claim = work.claim("n-env", "5s");
        assertThat(claim.json().get("run").get("env").get("SECRET").asText()).isEqualTo("s3cr3t");
        assertThat(work.report(id, "n-env", 1, "failed", "\"exitCode\":1").status()).isEqualTo(200);
        // the end event of a followed log hides them too
        Http.Answer events = anonymous.http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(work.http.base() + "/api/v1/runs/" + id + "/logs"))
                .header("Accept", "text/event-stream").GET());
        assertThat(events.body()).contains("event: end").contains("******").doesNotContain("s3cr3t");
        Http.Answer tokenEvents = work.http.send(work.request("/api/v1/runs/" + id + "/logs")
                .header("Accept", "text/event-stream").GET());
        assertThat(tokenEvents.body()).contains("event: end").contains("s3cr3t");
    }

    /** A data source whose next {@code n} commits take effect but answer as if the connection broke. */
    static final class LostAcks implements javax.sql.DataSource {
        final java.util.concurrent.atomic.AtomicInteger lose = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Connection getConnection() throws java.sql.SQLException {
            Connection real = DriverManager.getConnection(db.url(), db.user(), "");
            return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        try {
                            Object result = method.invoke(real, args);
                            if (method.getName().equals("commit") && lose.getAndDecrement() > 0) {
                                throw new java.sql.SQLNonTransientConnectionException("acknowledgement lost",
                                                                                       "08006");
                            }
                            return result;
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection(String user, String password) throws java.sql.SQLException {
            return getConnection();
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }

    @Test
    void retriedTransactionsKeepTheirBlobAndClaimOneRun() throws Exception {
        LostAcks source = new LostAcks();
        io.dockhand.server.db.Transactions transactions = new io.dockhand.server.db.Transactions(source,
                java.time.Clock.systemUTC(), Duration.ofSeconds(5));
        // a blob whose finishing commit is acknowledged lost: the retry keeps its chunks
        io.dockhand.server.blobs.BlobStore blobs = new io.dockhand.server.blobs.BlobStore(transactions,
                java.time.Clock.systemUTC());
        io.dockhand.server.blobs.BlobStore.Upload upload = blobs.upload();
        byte[] content = new byte[300_000];
        new Random(3).nextBytes(content);
        upload.write(content, 0, content.length);
        source.lose.set(1);
        io.dockhand.server.blobs.BlobStore.Blob blob = upload.finish();
        long[] described = blobs.describe(blob.digest()).orElseThrow();
        java.io.ByteArrayOutputStream back = new java.io.ByteArrayOutputStream();
        blobs.copy(blob.digest(), (int) described[1], back);
        assertThat(back.toByteArray()).isEqualTo(content);

        // a claim whose commit is acknowledged lost: the retry answers the run it claimed, no second one
        work.heartbeat("n-retry", null);
        String first = work.submit("?node=n-retry", WorkClient.context("retry-1")).json().get("id").asText();
        String second = work.submit("?node=n-retry", WorkClient.context("retry-2")).json().get("id").asText();
        io.dockhand.server.runs.RunRepository runs = new io.dockhand.server.runs.RunRepository(transactions,
                java.time.Clock.systemUTC());
        source.lose.set(1);
        assertThat(runs.claim("n-retry", Duration.ofSeconds(30)).orElseThrow().run().id()).isEqualTo(first);
        assertThat(run(second).get("state").asText()).isEqualTo("queued");
        assertThat(run(first).get("state").asText()).isEqualTo("assigned");
        work.post("/api/v1/runs/" + first + "/cancel");
        work.post("/api/v1/runs/" + second + "/cancel");
    }

    @Test
    void housekeepingKeepsAnUploadStillBeingWritten() throws Exception {
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> at = new java.util.concurrent.atomic
                .AtomicReference<>(java.time.Instant.now().minus(Duration.ofHours(2)));
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return at.get();
            }
        };
        io.dockhand.server.db.Transactions transactions = new io.dockhand.server.db.Transactions(new LostAcks(),
                java.time.Clock.systemUTC(), Duration.ofSeconds(5));
        io.dockhand.server.blobs.BlobStore old = new io.dockhand.server.blobs.BlobStore(transactions, clock);
        io.dockhand.server.blobs.BlobStore.Upload live = old.upload();
        io.dockhand.server.blobs.BlobStore.Upload abandoned = old.upload();
        byte[] content = new byte[3 * 1024 * 1024];
        new Random(5).nextBytes(content);
        live.write(content, 0, 1024 * 1024 + 10);       // a chunk two hours ago: a slow upload
        abandoned.write(content, 0, 1024 * 1024 + 10);  // and one never finished
        at.set(java.time.Instant.now());
        live.write(content, 1024 * 1024 + 10, 1024 * 1024); // still writing now
        long before = count("SELECT COUNT(*) FROM blob_chunks");
        new io.dockhand.server.blobs.BlobStore(transactions, java.time.Clock.systemUTC())
                .deleteUnused(Duration.ofDays(1));
        assertThat(count("SELECT COUNT(*) FROM blob_chunks")).isLessThan(before);
        io.dockhand.server.blobs.BlobStore.Blob blob = live.finish();
        long[] described = old.describe(blob.digest()).orElseThrow();
        java.io.ByteArrayOutputStream back = new java.io.ByteArrayOutputStream();
        old.copy(blob.digest(), (int) described[1], back);
        assertThat(back.toByteArray()).isEqualTo(java.util.Arrays.copyOf(content, 2 * 1024 * 1024 + 10));
    }

    static String beat(int cpus, long memory) {
        return """
                {"hostname":"h","role":"worker","cpus":%d,"memoryBytes":%d,"leases":[]}""".formatted(cpus, memory);
    }

    @Test
    void unpinnedRunsGoOnlyToANodeTheyFit() throws Exception {
        Thread.sleep(1200); // every other test's node is down now
        long gib = 1024L * 1024 * 1024;
        assertThat(work.put("/api/v1/nodes/n-fit-small", beat(1, gib)).status()).isEqualTo(200);
        assertThat(work.put("/api/v1/nodes/n-fit-big", beat(8, 16 * gib)).status()).isEqualTo(200);
        Http.Answer big = work.submit("?cpus=4", WorkClient.context("fit-cpus"));
        assertThat(big.status()).as(big.body()).isEqualTo(201);
        assertThat(big.json().get("node").asText()).isEqualTo("n-fit-big");
        Http.Answer roomy = work.submit("?memory=2g", WorkClient.context("fit-memory"));
        assertThat(roomy.json().get("node").asText()).isEqualTo("n-fit-big");
        Http.Answer small = work.submit("?cpus=1", WorkClient.context("fit-small"));
        assertThat(small.json().get("node").asText()).isEqualTo("n-fit-small"); // the less busy one
        assertProblem(work.submit("?cpus=16", WorkClient.context("fit-none")), 422, "limits-out-of-range",
                      "n-fit-big");
        assertProblem(work.submit("?memory=64g", WorkClient.context("fit-none")), 422, "limits-out-of-range",
                      "n-fit-big");
        // n-fit-big goes down: its runs stay, as no live node fits them
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofMillis(3000).toNanos()) {
            work.put("/api/v1/nodes/n-fit-small", beat(1, gib));
            Thread.sleep(200);
        }
        assertThat(run(big.json().get("id").asText()).get("node").asText()).isEqualTo("n-fit-big");
        assertThat(run(roomy.json().get("id").asText()).get("node").asText()).isEqualTo("n-fit-big");
        for (Http.Answer a : List.of(big, roomy, small)) {
            work.post("/api/v1/runs/" + a.json().get("id").asText() + "/cancel");
        }
    }

    @Test
    void largeLabelsAreRefused() {
        String labels = "{\"big\":\"" + "x".repeat(100_001) + "\"}";
        assertProblem(work.put("/api/v1/nodes/n-labels", "{\"hostname\":\"h\",\"labels\":" + labels + "}"), 422,
                      "invalid-body", "labels");
        assertThat(work.put("/api/v1/nodes/n-labels", "{\"hostname\":\"h\",\"labels\":{\"a\":\"b\"}}").status())
                .isEqualTo(200);
    }

    @Test
    void aPlainTextFollowerWithoutNewTextEndsCleanly() throws Exception {
        JsonNode run = claimed("n-idle", "idle");
        String id = run.get("id").asText();
        work.append(id, "n-idle", 1, 0, "stdout", "before\n");
        System.setProperty("dockhand.follow.idle.millis", "1500");
        try {
            long start = System.nanoTime();
            Http.Answer followed = work.http.send(work.request("/api/v1/runs/" + id + "/logs?follow=true").GET());
            assertThat(followed.status()).isEqualTo(200);
            assertThat(followed.body()).isEqualTo("before\n");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1400),
                                                                              Duration.ofSeconds(10));
            assertThat(run(id).get("state").asText()).isEqualTo("assigned");
        } finally {
            System.clearProperty("dockhand.follow.idle.millis");
        }
        work.post("/api/v1/runs/" + id + "/cancel");
    }

    @Test
    void aLongSpecFitsTheRequestLineAndATooLongOneIsRefused() {
        work.heartbeat("n-long", null);
        StringBuilder query = new StringBuilder("?node=n-long&arg=").append("a".repeat(3 * 1024));
        for (int i = 0; i < 30; i++) {
            query.append("&env=VARIABLE_").append(i).append("%3D").append("value-".repeat(8)).append(i);
        }
        Http.Answer created = work.submit(query.toString(), WorkClient.context("long"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("command").get(0).asText()).hasSize(3 * 1024);
        assertThat(created.json().get("env")).hasSize(30);
        work.post("/api/v1/runs/" + created.json().get("id").asText() + "/cancel");
        // The store answers 414 and closes while bytes it did not read are still in its socket buffer, which TCP
        // may turn into a reset that overtakes the answer (the client then reads nothing): ask again then.
        Http.Answer tooLong = null;
        for (int attempt = 0; tooLong == null && attempt < 5; attempt++) {
            try {
                tooLong = work.submit("?node=n-long&arg=" + "b".repeat(70 * 1024), WorkClient.context("long"));
            } catch (java.io.UncheckedIOException reset) {
                // the answer was lost to the reset: not a hang and not a 5xx
            }
        }
        assertThat(tooLong).as("an answer to one of 5 over-long requests").isNotNull();
        assertThat(tooLong.status()).as(tooLong.body()).isEqualTo(414);
        assertThat(tooLong.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(tooLong.body()).contains("Request URI too long");
    }

    static byte[] tarWithLongName(int mode, int length) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
                     new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(mode);
            for (String name : List.of("Dockerfile", "d/" + "n".repeat(length))) {
                byte[] content = "FROM alpine\n".getBytes(StandardCharsets.UTF_8);
                org.apache.commons.compress.archivers.tar.TarArchiveEntry entry =
                        new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return bytes.toByteArray();
    }

    /** Submits to the node after a heartbeat, again when a slow machine let the node go down meanwhile. */
    static Http.Answer submitTo(String node, byte[] tar) {
        Http.Answer answer = null;
        for (int i = 0; i < 5; i++) {
            work.heartbeat(node, null);
            answer = work.submit("?node=" + node, tar);
            if (answer.status() != 409) {
                return answer;
            }
        }
        return answer;
    }

    @Test
    void largeTarMetadataAndZipsOfTooManyEntriesAreRefused() throws Exception {
        work.heartbeat("n-bomb", null);
        int gnu = org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_GNU;
        int posix = org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX;
        for (int mode : new int[] {gnu, posix}) {
            Http.Answer fine = submitTo("n-bomb", tarWithLongName(mode, 300));
            assertThat(fine.status()).as(fine.body()).isEqualTo(201);
            work.post("/api/v1/runs/" + fine.json().get("id").asText() + "/cancel");
            assertProblem(submitTo("n-bomb", tarWithLongName(mode, 70 * 1024)), 400, "invalid-context",
                          "metadata");
        }
        // a zip whose (Zip64) end record says 200000 entries
        byte[] zip = WorkClient.zip(Map.of("Dockerfile", "FROM alpine\n"));
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(zip).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int eocd = zip.length - 22;
        assertThat(in.getInt(eocd)).isEqualTo(0x06054b50);
        long cdSize = in.getInt(eocd + 12) & 0xffffffffL;
        long cdOffset = in.getInt(eocd + 16) & 0xffffffffL;
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(eocd + 56 + 20 + 22)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.put(zip, 0, eocd);
        out.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                .putLong(200_000).putLong(200_000).putLong(cdSize).putLong(cdOffset);
        out.putInt(0x07064b50).putInt(0).putLong(eocd).putInt(1);
        out.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) -1).putShort((short) -1)
                .putInt(-1).putInt(-1).putShort((short) 0);
        work.heartbeat("n-bomb", null);
        assertProblem(work.upload(out.array()), 400, "invalid-context", "100000 entries");
    }

    @Test
    void aSilentNodeIsDownAndRefusesPinnedRuns() throws Exception {
        work.heartbeat("n-quiet", null);
        assertThat(work.http.get("/api/v1/nodes/n-quiet").json().get("status").asText()).isEqualTo("up");
        Thread.sleep(1300);
        assertThat(work.http.get("/api/v1/nodes/n-quiet").json().get("status").asText()).isEqualTo("down");
        assertProblem(work.submit("?node=n-quiet", WorkClient.context("quiet")), 409, "node-down", "n-quiet");
    }

    @Test
    void changingEndpointsNeedTheToken() {
        WorkClient wrong = new WorkClient(work.http, "not-the-token");
        byte[] tar = WorkClient.context("auth");
        Http.Answer missing = anonymous.submit("", tar);
        assertProblem(missing, 401, "token-required", "Bearer");
        assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertProblem(wrong.submit("", tar), 403, "token-invalid", "not this cluster's token");
        assertProblem(anonymous.heartbeat("n-auth", null), 401, "token-required", "token");
        assertProblem(wrong.heartbeat("n-auth", null), 403, "token-invalid", "token");
        assertProblem(anonymous.claim("n-auth", "0s"), 401, "token-required", "token");
        assertProblem(anonymous.post("/api/v1/runs/00000000-0000-0000-0000-000000000000/cancel"), 401,
                      "token-required", "token");
        assertProblem(anonymous.upload(new byte[10]), 401, "token-required", "token");
        assertProblem(anonymous.report("00000000-0000-0000-0000-000000000000", "n", 1, "running", null), 401,
                      "token-required", "token");
        assertProblem(anonymous.append("00000000-0000-0000-0000-000000000000", "n", 1, 0, "stdout", "x\n"), 401,
                      "token-required", "token");
        // reads need none
        assertThat(anonymous.http.get("/api/v1/runs").status()).isEqualTo(200);
        assertThat(anonymous.http.get("/api/v1/nodes").status()).isEqualTo(200);
    }

    @Test
    void aStoreWithoutTokenRefusesWork(TestDatabase database) {
        try (StoreServer bare = StoreServer.start(StoreServerExtension.config(database.storeConfig()))) {
            WorkClient client = new WorkClient(new Http(bare.port()), TOKEN);
            assertProblem(client.heartbeat("n-bare", null), 403, "no-cluster-token", "store.token");
            assertProblem(client.submit("", WorkClient.context("bare")), 403, "no-cluster-token", "store.tokenfile");
        }
    }

    @Test
    void aContextIsStoredOnceByDigestAndServedBackExactly() throws Exception {
        work.heartbeat("n-blob", null);
        Random random = new Random(11);
        byte[] big = new byte[2_500_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + random.nextInt(26));
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put("./Dockerfile", "FROM alpine\n");
        files.put("data.bin", new String(big, StandardCharsets.ISO_8859_1));
        byte[] tar = WorkClient.tar(files);
        Http.Answer first = work.submit("?node=n-blob&cpus=0.5&memory=64m&timeout=30s&env=A=1&env=B=x%3Dy"
                                                + "&arg=sh&arg=-c&arg=echo%20hi", tar);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        JsonNode run = first.json();
        assertThat(first.header("Location")).isEqualTo("/api/v1/runs/" + run.get("id").asText());
        assertThat(run.get("state").asText()).isEqualTo("queued");
        assertThat(run.get("node").asText()).isEqualTo("n-blob");
        assertThat(run.get("pinned").asBoolean()).isTrue();
        assertThat(run.get("context").asText()).isEqualTo(sha256(tar));
        assertThat(run.get("contextBytes").asLong()).isEqualTo(tar.length);
        assertThat(run.get("cpus").asDouble()).isEqualTo(0.5);
        assertThat(run.get("memoryBytes").asLong()).isEqualTo(64L << 20);
        assertThat(run.get("timeoutSeconds").asLong()).isEqualTo(30);
        assertThat(run.get("env").get("B").asText()).isEqualTo("x=y");
        assertThat(run.get("command").toString()).isEqualTo("[\"sh\",\"-c\",\"echo hi\"]");
        assertThat(run.get("attempt").asInt()).isZero();
        assertThat(run.get("maxAttempts").asInt()).isEqualTo(1);

        work.heartbeat("n-blob", null); // a slow first upload must not leave the node down
        Http.Answer second = work.submit("?node=n-blob", tar);
        assertThat(second.status()).as(second.body()).isEqualTo(201);
        assertThat(second.json().get("context").asText()).isEqualTo(sha256(tar));
        assertThat(count("SELECT COUNT(*) FROM blobs WHERE digest = ?", sha256(tar))).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM blob_chunks k JOIN blobs b ON k.blob_key = b.chunks_key"
                + " WHERE b.digest = ?", sha256(tar))).isEqualTo(3);
        assertThat(count("SELECT COUNT(*) FROM blob_chunks k WHERE NOT EXISTS (SELECT 1 FROM blobs b"
                + " WHERE b.chunks_key = k.blob_key)")).as("the second upload's chunks were dropped").isZero();

        // the agent that claims it gets the very bytes back
        Http.Answer claim = work.claim("n-blob", "2s");
        JsonNode claimed = claim.json().get("run");
        String id = claimed.get("id").asText();
        int attempt = claimed.get("attempt").asInt();
        assertThat(attempt).isEqualTo(1);
        HttpResponse<byte[]> context = work.http.sendBytes(work.request("/api/v1/runs/" + id + "/context?node=n-blob"
                                                                               + "&attempt=" + attempt).GET());
        assertThat(context.statusCode()).isEqualTo(200);
        assertThat(context.headers().firstValue("Content-Type")).hasValue("application/x-tar");
        assertThat(context.headers().firstValueAsLong("Content-Length").orElse(-1)).isEqualTo(tar.length);
        assertThat(context.body()).isEqualTo(tar);
        assertProblem(work.http.send(work.request("/api/v1/runs/" + id + "/context?node=n-blob&attempt=7").GET()),
                      409, "lease-lost", "attempt 7");
        assertProblem(anonymous.http.send(anonymous.request("/api/v1/runs/" + id + "/context?node=n-blob&attempt=1")
                                                  .GET()), 401, "token-required", "token");
    }

    @Test
    void badContextsAndParametersAreProblems() {
        work.heartbeat("n-bad", null);
        byte[] good = WorkClient.context("bad");
        assertProblem(work.submit("?node=n-bad", "this is not a tar archive at all".repeat(40)
                .getBytes(StandardCharsets.UTF_8)), 400, "invalid-context", "tar");
        assertProblem(work.submit("?node=n-bad", new byte[0]), 400, "invalid-context", "empty");
        byte[] truncated = java.util.Arrays.copyOf(good, 700);
        assertThat(work.submit("?node=n-bad", truncated).status()).isIn(400, 422);
        assertProblem(work.submit("?node=n-bad", WorkClient.tar(Map.of("README", "hi\n"))), 422,
                      "dockerfile-missing", "Dockerfile");
        assertProblem(work.submit("?node=n-bad&dockerfile=build/Dockerfile", good), 422, "dockerfile-missing",
                      "build/Dockerfile");
        assertProblem(work.submit("?node=n-bad&cpus=lots", good), 400, "invalid-parameter", "cpus");
        assertProblem(work.submit("?node=n-bad&cpus=8", good), 422, "limits-out-of-range", "cpus");
        assertProblem(work.submit("?node=n-bad&cpus=0.001", good), 422, "limits-out-of-range", "cpus");
        assertProblem(work.submit("?node=n-bad&memory=1m", good), 422, "limits-out-of-range", "6m");
        assertProblem(work.submit("?node=n-bad&memory=1t", good), 422, "limits-out-of-range", "memory");
        assertProblem(work.submit("?node=n-bad&memory=big", good), 400, "invalid-parameter", "memory");
        assertProblem(work.submit("?node=n-bad&timeout=soon", good), 400, "invalid-parameter", "timeout");
        assertProblem(work.submit("?node=n-bad&timeout=500ms", good), 422, "limits-out-of-range", "timeout");
        assertProblem(work.submit("?node=n-bad&env=novalue", good), 400, "invalid-parameter", "env");
        assertProblem(work.submit("?node=n-bad&dockerfile=../Dockerfile", good), 400, "invalid-parameter",
                      "dockerfile");
        assertProblem(work.submit("?node=n-bad&colour=red", good), 400, "unknown-parameter", "colour");
        assertProblem(work.submit("?node=nowhere", good), 422, "node-not-found", "nowhere");
        assertProblem(work.http.send(work.request("/api/v1/runs?node=n-bad").header("Content-Type", "text/plain")
                                             .POST(HttpRequest.BodyPublishers.ofByteArray(good))), 415,
                      "unsupported-media-type", "x-tar");
        Map<String, String> files = new LinkedHashMap<>();
        files.put("Dockerfile", "FROM alpine\n");
        byte[] noise = new byte[3_300_000];
        java.util.Arrays.fill(noise, (byte) 'n');
        files.put("big", new String(noise, StandardCharsets.ISO_8859_1));
        assertProblem(work.submit("?node=n-bad", WorkClient.tar(files)), 413, "context-too-large", "3145728");
        // streamed without a length: refused as the bytes pass the limit
        byte[] tooLarge = WorkClient.tar(files);
        assertProblem(work.http.send(work.request("/api/v1/runs?node=n-bad")
                                             .header("Content-Type", "application/x-tar")
                                             .POST(HttpRequest.BodyPublishers.ofInputStream(
                                                     () -> new ByteArrayInputStream(tooLarge)))),
                      413, "context-too-large", "store.runs.maxcontext");
        assertProblem(work.http.get("/api/v1/runs/00000000-0000-0000-0000-000000000000"), 404, "run-not-found",
                      "0000");
        assertProblem(work.http.get("/api/v1/runs/nope"), 404, "run-not-found", "nope");
    }

    @Test
    void exactlyOneOfTwoConcurrentClaimersGetsARun() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 15; i++) {
                String node = "n-race-" + i;
                work.heartbeat(node, null);
                String id = work.submit("?node=" + node, WorkClient.context("race")).json().get("id").asText();
                CountDownLatch go = new CountDownLatch(1);
                Callable<Http.Answer> claimer = () -> {
                    go.await();
                    return work.claim(node, "1s");
                };
                Future<Http.Answer> a = pool.submit(claimer);
                Future<Http.Answer> b = pool.submit(claimer);
                go.countDown();
                List<Integer> statuses = List.of(a.get().status(), b.get().status());
                assertThat(statuses).containsExactlyInAnyOrder(200, 204);
                Http.Answer winner = a.get().status() == 200 ? a.get() : b.get();
                assertThat(winner.json().get("run").get("id").asText()).isEqualTo(id);
                assertThat(winner.json().get("run").get("attempt").asInt()).isEqualTo(1);
                assertThat(winner.json().get("leaseSeconds").asLong()).isEqualTo(2);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClaimWaitsForWorkAndEndsWith204() throws Exception {
        work.heartbeat("n-wait", null);
        long start = System.nanoTime();
        assertThat(work.claim("n-wait", "500ms").status()).isEqualTo(204);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
        // a run queued while the claim waits is taken at once
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Http.Answer> waiting = pool.submit(() -> work.claim("n-wait", "10s"));
            Thread.sleep(300);
            // the node stays up (1 s here) only if it beats: the claims do not count, and a busy machine can take
            // longer than that between the first beat and this submit (CI saw node-down)
            work.heartbeat("n-wait", null);
            Http.Answer submitted = work.submit("?node=n-wait", WorkClient.context("wait"));
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
            String id = submitted.json().get("id").asText();
            Http.Answer claim = waiting.get();
            assertThat(claim.status()).isEqualTo(200);
            assertThat(claim.json().get("run").get("id").asText()).isEqualTo(id);
        } finally {
            pool.shutdownNow();
        }
        assertProblem(work.claim("n-wait", "31s"), 400, "invalid-parameter", "wait");
        assertProblem(work.claim("n-wait", "soon"), 400, "invalid-parameter", "wait");
    }

    @Test
    void reportsMoveARunToOneFinalStateAndLateReportsAreRecorded() throws Exception {
        JsonNode run = claimed("n-report", "report");
        String id = run.get("id").asText();
        assertProblem(work.report(id, "n-other", 1, "building", null), 409, "lease-lost", "n-other");
        assertProblem(work.report(id, "n-report", 2, "building", null), 409, "lease-lost", "attempt 2");
        assertThat(work.report(id, "n-report", 1, "building", null).json().get("state").asText())
                .isEqualTo("building");
        assertThat(work.report(id, "n-report", 1, "building", null).status()).isEqualTo(200); // a retry
        Http.Answer running = work.report(id, "n-report", 1, "running", "\"imageId\":\"sha256:abc\"");
        assertThat(running.json().get("state").asText()).isEqualTo("running");
        assertProblem(work.report(id, "n-report", 1, "building", null), 409, "invalid-transition", "building");
        Http.Answer done = work.report(id, "n-report", 1, "succeeded", "\"exitCode\":0");
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        JsonNode finished = run(id);
        assertThat(finished.get("state").asText()).isEqualTo("succeeded");
        assertThat(finished.get("exitCode").asInt()).isZero();
        assertThat(finished.get("imageId").asText()).isEqualTo("sha256:abc");
        for (String at : List.of("createdAt", "assignedAt", "buildingAt", "runningAt", "finishedAt")) {
            assertThat(finished.get(at)).as(at).isNotNull();
        }
        assertProblem(work.report(id, "n-report", 1, "failed", "\"exitCode\":3"), 409, "run-finished",
                      "succeeded");
        assertThat(run(id).get("state").asText()).isEqualTo("succeeded");
        java.util.UUID uuid = java.util.UUID.fromString(id);
        assertThat(count("SELECT COUNT(*) FROM run_events WHERE run_id = ? AND accepted = FALSE", uuid))
                .isEqualTo(4);
        assertThat(count("SELECT COUNT(*) FROM run_events WHERE run_id = ? AND accepted = TRUE", uuid))
                .isEqualTo(5); // queued, assigned, building, running, succeeded
        assertProblem(work.report(id, "n-report", 1, "queued", null), 422, "invalid-body", "state");
        assertProblem(work.postJson("/api/v1/runs/" + id + "/reports", "{\"node\":\"n\",\"attempt\":1,"
                + "\"state\":\"dancing\"}"), 422, "invalid-body", "RunReport");
    }

    @Test
    void logsAreAppendedOnceAtOffsetsTheStoreGivesAndCapped() throws Exception {
        JsonNode run = claimed("n-logs", "logs");
        String id = run.get("id").asText();
        assertThat(work.append(id, "n-logs", 1, 0, "build", "Step 1/2\n").status()).isEqualTo(204);
        assertThat(work.append(id, "n-logs", 1, 1, "stdout", "héllo\n").status()).isEqualTo(204);
        assertThat(work.append(id, "n-logs", 1, 1, "stdout", "héllo\n").status()).isEqualTo(204); // a retry
        assertThat(work.append(id, "n-logs", 1, 2, "stderr", "oops\n").status()).isEqualTo(204);
        assertProblem(work.append(id, "n-other", 1, 3, "stdout", "x\n"), 409, "lease-lost", "n-other");
        assertProblem(work.append(id, "n-logs", 1, 4, "video", "x\n"), 422, "invalid-body", "stream");

        Http.Answer text = work.http.get("/api/v1/runs/" + id + "/logs");
        assertThat(text.status()).isEqualTo(200);
        assertThat(text.contentType()).startsWith("text/plain");
        assertThat(text.header("Dockhand-Log-Offset")).isEqualTo("0");
        assertThat(text.body()).isEqualTo("Step 1/2\nhéllo\noops\n");
        assertThat(run(id).get("logBytes").asLong()).isEqualTo("Step 1/2\nhéllo\noops\n".getBytes(
                StandardCharsets.UTF_8).length);
        Http.Answer from = work.http.get("/api/v1/runs/" + id + "/logs?offset=12");
        assertThat(from.header("Dockhand-Log-Offset")).isEqualTo("12");
        assertThat(from.body()).isEqualTo("llo\noops\n"); // offset 12 is inside the second chunk, after "hé"
        JsonNode page = work.http.get("/api/v1/runs/" + id + "/logs?format=json").json();
        assertThat(page.get("items")).hasSize(3);
        assertThat(page.get("items").get(1).get("offset").asLong()).isEqualTo(9);
        assertThat(page.get("items").get(1).get("end").asLong()).isEqualTo(16);
        assertThat(page.get("items").get(1).get("stream").asText()).isEqualTo("stdout");
        assertThat(page.get("nextOffset").asLong()).isEqualTo(21);
        assertProblem(work.http.get("/api/v1/runs/" + id + "/logs?offset=-1"), 400, "invalid-parameter", "offset");

        // the cap (64k here): what passes it is dropped, with one line saying so
        String line = "x".repeat(99) + "\n";
        for (int i = 0; i < 4; i++) {
            work.append(id, "n-logs", 1, 10 + i, "stdout", line.repeat(200)); // 20000 bytes each
        }
        JsonNode capped = run(id);
        assertThat(capped.get("logBytes").asLong()).isLessThanOrEqualTo(64 * 1024 + 200);
        String all = work.http.get("/api/v1/runs/" + id + "/logs").body();
        assertThat(all).contains("later output is dropped").endsWith("dropped\n");
        assertThat(all.split("later output is dropped", -1)).hasSize(2);
    }

    @Test
    void aFollowerThatReconnectsWithItsOffsetLosesNothingAndGetsNothingTwice() throws Exception {
        JsonNode run = claimed("n-follow", "follow");
        String id = run.get("id").asText();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            String line = "line " + i + " ünïcode\n";
            work.append(id, "n-follow", 1, i, "stdout", line);
            expected.append(line);
        }
        // follow, read part of it, and drop the connection mid-stream
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> first = client.send(work.request("/api/v1/runs/" + id + "/logs?follow=true")
                                                              .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(first.headers().firstValue("Dockhand-Log-Offset")).hasValue("0");
        byte[] part;
        try (InputStream in = first.body()) {
            part = in.readNBytes(30); // ends inside a line (and perhaps inside a character)
        }
        // more is written while nobody follows, and later while the second follower reads
        for (int i = 5; i < 10; i++) {
            String line = "line " + i + " ünïcode\n";
            work.append(id, "n-follow", 1, i, "stdout", line);
            expected.append(line);
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<byte[]> rest = pool.submit(() -> {
                HttpResponse<InputStream> again = client.send(work.request("/api/v1/runs/" + id
                        + "/logs?follow=true&offset=" + part.length).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertThat(again.headers().firstValue("Dockhand-Log-Offset")).hasValue(Integer.toString(part.length));
                try (InputStream in = again.body()) {
                    return in.readAllBytes(); // ends when the run is final and all is sent
                }
            });
            Thread.sleep(400);
            for (int i = 10; i < 15; i++) {
                String line = "line " + i + " ünïcode\n";
                work.append(id, "n-follow", 1, i, "stdout", line);
                expected.append(line);
                Thread.sleep(50);
            }
            work.report(id, "n-follow", 1, "succeeded", "\"exitCode\":0");
            byte[] second = rest.get(10, java.util.concurrent.TimeUnit.SECONDS);
            byte[] whole = new byte[part.length + second.length];
            System.arraycopy(part, 0, whole, 0, part.length);
            System.arraycopy(second, 0, whole, part.length, second.length);
            assertThat(new String(whole, StandardCharsets.UTF_8)).isEqualTo(expected.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void serverSentEventsResumeFromLastEventId() throws Exception {
        JsonNode run = claimed("n-sse", "sse");
        String id = run.get("id").asText();
        work.append(id, "n-sse", 1, 0, "build", "a\n");
        work.append(id, "n-sse", 1, 1, "stdout", "bb\n");
        work.append(id, "n-sse", 1, 2, "stderr", "ccc\n");
        work.report(id, "n-sse", 1, "failed", "\"exitCode\":2,\"reason\":\"exited 2\"");
        Http.Answer events = work.http.send(work.request("/api/v1/runs/" + id + "/logs")
                                                    .header("Accept", "text/event-stream")
                                                    .header("Last-Event-ID", "2").GET());
        assertThat(events.status()).isEqualTo(200);
        assertThat(events.contentType()).startsWith("text/event-stream");
        List<String> blocks = new ArrayList<>();
        for (String block : events.body().split("\n\n")) {
            if (!block.startsWith(":")) {
                blocks.add(block);
            }
        }
        assertThat(blocks).hasSize(3);
        assertThat(blocks.get(0)).startsWith("id: 5\nevent: log\ndata: ");
        JsonNode entry = io.dockhand.web.Json.MAPPER.readTree(blocks.get(0).substring(blocks.get(0).indexOf("data: ")
                                                                                              + 6));
        assertThat(entry.get("offset").asLong()).isEqualTo(2);
        assertThat(entry.get("end").asLong()).isEqualTo(5);
        assertThat(entry.get("text").asText()).isEqualTo("bb\n");
        assertThat(blocks.get(1)).startsWith("id: 9\nevent: log\n");
        assertThat(blocks.get(2)).startsWith("event: end\ndata: ");
        assertThat(blocks.get(2)).contains("\"state\":\"failed\"").contains("\"exitCode\":2");
        // follow on an unknown run answers 404 at once
        assertProblem(work.http.send(work.request("/api/v1/runs/00000000-0000-0000-0000-000000000001/logs?follow=true")
                                             .header("Accept", "text/event-stream").GET()), 404, "run-not-found", "0001");
    }

    @Test
    void cancelInEachState() throws Exception {
        work.heartbeat("n-cancel", null);
        String queued = work.submit("?node=n-cancel", WorkClient.context("c1")).json().get("id").asText();
        Http.Answer cancelled = work.post("/api/v1/runs/" + queued + "/cancel");
        assertThat(cancelled.status()).isEqualTo(202);
        assertThat(cancelled.json().get("state").asText()).isEqualTo("cancelled");
        assertThat(cancelled.json().get("reason").asText()).isEqualTo("cancelled by a user");
        assertThat(work.claim("n-cancel", "0s").status()).isEqualTo(204);
        assertProblem(work.post("/api/v1/runs/" + queued + "/cancel"), 409, "run-finished", "cancelled");

        JsonNode run = claimed("n-cancel", "c2");
        String id = run.get("id").asText();
        work.report(id, "n-cancel", 1, "running", null);
        Http.Answer requested = work.post("/api/v1/runs/" + id + "/cancel");
        assertThat(requested.status()).isEqualTo(202);
        assertThat(requested.json().get("state").asText()).isEqualTo("running");
        assertThat(requested.json().get("cancelRequested").asBoolean()).isTrue();
        JsonNode answer = work.heartbeat("n-cancel", "[{\"runId\":\"" + id + "\",\"attempt\":1}]").json();
        assertThat(answer.get("stop")).hasSize(1);
        assertThat(answer.get("stop").get(0).get("why").asText()).isEqualTo("cancelled");
        assertThat(work.report(id, "n-cancel", 1, "cancelled", "\"reason\":\"stopped\"").status()).isEqualTo(200);
        assertThat(run(id).get("state").asText()).isEqualTo("cancelled");
        assertProblem(work.post("/api/v1/runs/nope/cancel"), 404, "run-not-found", "nope");
    }

    @Test
    void aClaimNoAgentTookUpIsQueuedAgainWithoutUsingAnAttemptTwiceThenTheRunIsLost() throws Exception {
        // an agent killed while its claim waited for work: the store hands the run to a connection nobody reads
        assertThat(work.heartbeat("n-untaken", null).status()).isEqualTo(200);
        String id = work.submit("?node=n-untaken", WorkClient.context("untaken")).json().get("id").asText();
        for (int attempt = 1; attempt <= 3; attempt++) {
            Http.Answer claim = work.claim("n-untaken", "5s");
            assertThat(claim.status()).as("claim %d: %s", attempt, claim.body()).isEqualTo(200);
            assertThat(claim.json().get("run").get("id").asText()).isEqualTo(id);
            assertThat(claim.json().get("run").get("attempt").asInt()).isEqualTo(attempt);
            // nothing names the run again: no report, no heartbeat
            JsonNode after = awaitRun(id, r -> !r.get("state").asText().equals("assigned"), Duration.ofSeconds(10));
            if (attempt < 3) {
                assertThat(after.get("state").asText()).isEqualTo("queued");
                assertThat(after.get("reason").asText()).contains("n-untaken").contains("never took up its claim")
                        .contains("not counted as an attempt");
                assertThat(after.get("attempt").asInt()).isEqualTo(attempt);
                assertThat(after.get("maxAttempts").asInt()).isEqualTo(attempt + 1);
            } else {
                assertThat(after.get("state").asText()).isEqualTo("lost");
                assertThat(after.get("reason").asText()).contains("stopped answering");
                assertThat(after.get("finishedAt")).isNotNull();
            }
        }
    }

    private static JsonNode awaitRun(String id, java.util.function.Predicate<JsonNode> until, Duration patience)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        JsonNode run = run(id);
        while (!until.test(run)) {
            assertThat(System.nanoTime()).as("run %s changes within %s: %s", id, patience, run).isLessThan(deadline);
            Thread.sleep(200);
            run = run(id);
        }
        return run;
    }

    @Test
    void anExpiredLeaseEndsTheRunLostAndHeartbeatsKeepItAlive() throws Exception {
        JsonNode kept = claimed("n-lease", "kept");
        String keptId = kept.get("id").asText();
        Http.Answer second = work.submit("?node=n-lease", WorkClient.context("dropped"));
        String droppedId = work.claim("n-lease", "2s").json().get("run").get("id").asText();
        assertThat(droppedId).isEqualTo(second.json().get("id").asText());
        // taken up: the agent started on it (a claim never taken up is queued again, the next test)
        assertThat(work.report(droppedId, "n-lease", 1, "building", null).status()).isEqualTo(200);
        long start = System.nanoTime();
        // the agent keeps naming only the first run
        while (System.nanoTime() - start < Duration.ofMillis(4500).toNanos()) {
            JsonNode answer = work.heartbeat("n-lease", "[{\"runId\":\"" + keptId + "\",\"attempt\":1}]").json();
            assertThat(answer.get("stop")).isEmpty();
            if (run(droppedId).get("state").asText().equals("lost")) {
                break;
            }
            Thread.sleep(300);
        }
        JsonNode lost = run(droppedId);
        assertThat(lost.get("state").asText()).isEqualTo("lost");
        assertThat(lost.get("reason").asText()).contains("n-lease").contains("lease expired");
        assertThat(lost.get("finishedAt")).isNotNull();
        // within the lease (2s) plus a sweep (1s) and a heartbeat interval of slack
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(4000));
        assertThat(run(keptId).get("state").asText()).isEqualTo("assigned");
        // the agent that comes back is told to stop, and its late report changes nothing
        JsonNode answer = work.heartbeat("n-lease", "[{\"runId\":\"" + droppedId + "\",\"attempt\":1}]").json();
        assertThat(answer.get("stop").get(0).get("why").asText()).isEqualTo("lease-lost");
        assertProblem(work.report(droppedId, "n-lease", 1, "succeeded", "\"exitCode\":0"), 409, "run-finished",
                      "lost");
        assertProblem(work.append(droppedId, "n-lease", 1, 0, "stdout", "late\n"), 409, "lease-lost", "n-lease");

        // a cancel the agent never confirms ends cancelled when the lease runs out
        work.post("/api/v1/runs/" + keptId + "/cancel");
        Thread.sleep(3500);
        JsonNode cancelled = run(keptId);
        assertThat(cancelled.get("state").asText()).isEqualTo("cancelled");
        assertThat(cancelled.get("reason").asText()).contains("did not confirm");
    }

    @Test
    void unpinnedRunsGoToALiveNodeAndMoveWhenTheirNodeGoesDown() throws Exception {
        Thread.sleep(1200); // every other test's node is down now
        assertProblem(work.submit("", WorkClient.context("nobody")), 503, "no-live-node", "agent");
        work.heartbeat("n-move-a", null);
        JsonNode run = work.submit("", WorkClient.context("move")).json();
        assertThat(run.get("node").asText()).isEqualTo("n-move-a");
        assertThat(run.get("pinned").asBoolean()).isFalse();
        String id = run.get("id").asText();
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofSeconds(5).toNanos()
                && !run(id).get("node").asText().equals("n-move-b")) {
            work.heartbeat("n-move-b", null); // only b answers
            Thread.sleep(200);
        }
        assertThat(run(id).get("node").asText()).isEqualTo("n-move-b");
        assertThat(run(id).get("state").asText()).isEqualTo("queued");
        JsonNode b = work.http.get("/api/v1/nodes/n-move-b").json();
        assertThat(b.get("runsQueued").asInt()).isEqualTo(1);
        assertThat(work.post("/api/v1/runs/" + id + "/cancel").status()).isEqualTo(202);
    }

    @Test
    void theApvsUploadTurnsAZipIntoARun() throws Exception {
        work.heartbeat("n-apvs", null);
        Thread.sleep(1100);
        work.heartbeat("n-apvs", null); // the only live node
        Map<String, String> files = new LinkedHashMap<>();
        files.put("project/Dockerfile", "FROM alpine\nCOPY app.sh /\n");
        files.put("project/app.sh", "echo apvs\n");
        Http.Answer created = work.upload(WorkClient.zip(files));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.header("Location")).isEqualTo("/api/v1/runs/" + id);
        assertThat(created.json().get("dockerfile").asText()).isEqualTo("Dockerfile");
        assertThat(created.json().get("node").asText()).isEqualTo("n-apvs");
        JsonNode claim = work.claim("n-apvs", "2s").json().get("run");
        assertThat(claim.get("id").asText()).isEqualTo(id);
        HttpResponse<byte[]> tar = work.http.sendBytes(work.request("/api/v1/runs/" + id
                                                                           + "/context?node=n-apvs&attempt=1").GET());
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar.body()))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        assertThat(names).containsExactly("Dockerfile", "app.sh");
        // the same zip again: the same context, stored once
        JsonNode again = work.upload(WorkClient.zip(files)).json();
        assertThat(again.get("context").asText()).isEqualTo(created.json().get("context").asText());
        // unpinned runs left queued would move to the next test's node
        assertThat(work.post("/api/v1/runs/" + again.get("id").asText() + "/cancel").status()).isEqualTo(202);
        assertThat(work.report(id, "n-apvs", 1, "succeeded", "\"exitCode\":0").status()).isEqualTo(200);
        work.heartbeat("n-apvs", null); // the upload needs a live node before it reads the zip
        assertProblem(work.upload("PK\u0003\u0004 broken".getBytes(StandardCharsets.ISO_8859_1)), 400,
                      "invalid-context", "zip");
        assertProblem(work.upload(WorkClient.zip(Map.of("src/main.c", "int main(){}"))), 422, "dockerfile-missing",
                      "Dockerfile");
    }

    @Test
    void runsAreListedNewestFirstInPagesAndFiltered() {
        work.heartbeat("n-page", null);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(0, work.submit("?node=n-page", WorkClient.context("page" + i)).json().get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = work.http.get("/api/v1/runs?node=n-page&limit=2" + (cursor == null ? "" : "&cursor="
                    + cursor)).json();
            page.get("items").forEach(r -> seen.add(r.get("id").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        assertThat(seen).isEqualTo(ids);
        // a run by the start of its id, as people type it
        String full = ids.get(0);
        assertThat(work.http.get("/api/v1/runs/" + full.substring(0, 13)).json().get("id").asText()).isEqualTo(full);
        assertThat(work.http.get("/api/v1/runs/" + full.substring(0, 13) + "/logs").status()).isEqualTo(200);
        assertProblem(work.http.get("/api/v1/runs/ffffffff-ffff-f"), 404, "run-not-found", "ffff");
        JsonNode queued = work.http.get("/api/v1/runs?state=queued&node=n-page").json();
        assertThat(queued.get("items")).hasSize(5);
        assertThat(work.http.get("/api/v1/runs?state=succeeded&node=n-page").json().get("items")).isEmpty();
        assertProblem(work.http.get("/api/v1/runs?state=dancing"), 400, "invalid-parameter", "state");
        assertProblem(work.http.get("/api/v1/runs?limit=0"), 400, "invalid-limit", "limit");
        assertProblem(work.http.get("/api/v1/runs?cursor=zzz"), 400, "invalid-cursor", "cursor");
        assertProblem(work.http.get("/api/v1/runs?sort=up"), 400, "unknown-parameter", "sort");
        JsonNode node = work.http.get("/api/v1/nodes/n-page").json();
        assertThat(node.get("runsQueued").asInt()).isEqualTo(5);
        assertThat(node.get("runsInProgress").asInt()).isZero();
    }


    @Test
    void contextsNoUnfinishedRunNeedsAreDeletedAfterTheRetentionAndRunsAreKept(TestDatabase database) throws Exception {
        work.heartbeat("n-retain", null);
        byte[] kept = WorkClient.context("retained-because-queued");
        byte[] dropped = WorkClient.context("dropped-after-retention");
        String queued = work.submit("?node=n-retain", kept).json().get("id").asText();
        String finished = work.submit("?node=n-retain", dropped).json().get("id").asText();
        work.post("/api/v1/runs/" + finished + "/cancel");
        try (io.dockhand.server.db.Database open = io.dockhand.server.db.Database.open(database.settings())) {
            java.time.Clock later = java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofDays(8));
            io.dockhand.server.blobs.BlobStore blobs = new io.dockhand.server.blobs.BlobStore(
                    new io.dockhand.server.db.Transactions(open.dataSource(), later, Duration.ofSeconds(5)), later);
            assertThat(blobs.deleteUnused(Duration.ofDays(7))).isGreaterThanOrEqualTo(1);
            // again: what the first call deleted is not counted twice (another test's run that ended meanwhile may
            // free its own context, so the count need not be 0), and the queued run's context still stays
            blobs.deleteUnused(Duration.ofDays(7));
        }
        assertThat(count("SELECT COUNT(*) FROM blobs WHERE digest = ?", sha256(kept))).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM blobs WHERE digest = ?", sha256(dropped))).isZero();
        assertThat(count("SELECT COUNT(*) FROM blob_chunks k WHERE NOT EXISTS (SELECT 1 FROM blobs b"
                + " WHERE b.chunks_key = k.blob_key)")).as("chunks of no blob").isZero();
        assertThat(run(finished).get("state").asText()).isEqualTo("cancelled"); // the run is kept
        work.post("/api/v1/runs/" + queued + "/cancel");
    }
}
