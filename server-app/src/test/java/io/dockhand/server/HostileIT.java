package io.dockhand.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.dockhand.web.Routes;
import io.dockhand.web.hostile.HostileCases;
import io.dockhand.web.hostile.HostileRun;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10's hostile suite against a real store: the packaged jar in its own process (H2 in a temporary directory,
 * {@code -Xmx128m}), sent cases generated from the store's own route table over raw sockets. No answer of 500 or
 * more, a problem document on every error, no hang, and the process's resident memory grows by less than
 * {@link #MAX_RSS_GROWTH_MIB} MiB over the run.
 */
class HostileIT {
    /**
     * The bound on the server process's RSS growth. The heap is capped at 128 MiB, so what may grow besides it is
     * metaspace and JIT code (tens of MiB while the server warms up) and thread stacks; 200 MiB allows that and
     * still catches native or direct-buffer growth per case (a thousand cases leaking a 64 KiB body each is 128 MiB
     * on top), and any failure to stay inside the heap cap.
     */
    static final long MAX_RSS_GROWTH_MIB = 200;

    @Test
    void survivesTheHostileSuite() throws Exception {
        Path dir = Files.createTempDirectory("dockhand-hostile");
        List<Routes.Route> routes;
        try (StoreServer table = StoreServer.start(StoreServerExtension.config(java.util.Map.of("dir", dir.resolve("table").toString())))) {
            routes = table.routes(); // the very route table the jar serves: same classes
        }
        List<HostileCases.Case> cases = HostileCases.of(routes);
        try (ServerProcess store = ServerProcess.start(dir, 0, false, "hostile", List.of("-Xmx128m"))) {
            long before = HostileRun.rssKib(store.pid());
            long start = System.nanoTime();
            HostileRun run = new HostileRun(store.port(), 10_000).run(cases);
            long after = HostileRun.rssKib(store.pid());
            System.out.println(run.summary("store") + ", " + (System.nanoTime() - start) / 1_000_000 + " ms, RSS "
                    + before / 1024 + " -> " + after / 1024 + " MiB");
            assertThat(run.cases()).isGreaterThanOrEqualTo(1000);
            assertThat(run.failures()).as(run.summary("store")).isEmpty();
            assertThat((after - before) / 1024).isLessThan(MAX_RSS_GROWTH_MIB);
        }
    }
}
