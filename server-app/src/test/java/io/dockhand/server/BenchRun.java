package io.dockhand.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.dockhand.server.databases.Directories;
import io.dockhand.web.browser.Browser;

/**
 * What a benchmark run makes — a temporary directory, the store as its own process, browsers with their profiles,
 * background tasks — removed once, when the run ends, fails, or the JVM is asked to stop (Ctrl-C, SIGTERM): a
 * shutdown hook does the same as the end. Last, any process this JVM started and that is still there (a browser
 * whose driver did not quit) is killed by its id.
 */
final class BenchRun implements AutoCloseable {
    private final Path dir;
    private final List<Browser> browsers = new ArrayList<>();
    private final List<ExecutorService> tasks = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread hook = new Thread(this::close, "bench-cleanup");
    private ServerProcess store;

    private BenchRun(Path dir) {
        this.dir = dir;
    }

    /** A run with a new temporary directory. */
    static BenchRun start(String name) throws IOException {
        BenchRun run = new BenchRun(Files.createTempDirectory(name));
        Runtime.getRuntime().addShutdownHook(run.hook);
        return run;
    }

    Path dir() {
        return dir;
    }

    /** The packaged store with this {@code store} config, its log in the run's directory. */
    synchronized ServerProcess store(Map<String, String> config, List<String> jvmOptions) throws IOException {
        store = ServerProcess.start(dir, 0, config, "bench-store", jvmOptions);
        return store;
    }

    /** A new browser, closed with the run unless closed before. */
    Browser browser(int width, int height) throws IOException {
        Browser browser = Browser.start(width, height);
        synchronized (this) {
            browsers.add(browser);
        }
        return browser;
    }

    /** Closes a browser now. */
    void close(Browser browser) {
        synchronized (this) {
            browsers.remove(browser);
        }
        quietly(browser::close);
    }

    /** An executor shut down with the run. */
    synchronized <T extends ExecutorService> T task(T executor) {
        tasks.add(executor);
        return executor;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != hook) {
            quietly(() -> Runtime.getRuntime().removeShutdownHook(hook));
        }
        List<Browser> open;
        synchronized (this) {
            tasks.forEach(ExecutorService::shutdownNow);
            open = new ArrayList<>(browsers);
            browsers.clear();
        }
        open.forEach(browser -> quietly(browser::close));
        if (store != null) {
            store.close();
        }
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        ProcessHandle.current().descendants().forEach(p -> quietly(() -> p.onExit().get(10, TimeUnit.SECONDS)));
        quietly(() -> {
            Path log = dir.resolve("bench-store.log");
            if (Files.exists(log)) {
                Files.createDirectories(Path.of("target"));
                Files.copy(log, Path.of("target", "bench-store.log"), StandardCopyOption.REPLACE_EXISTING);
            }
        });
        quietly(() -> Directories.deleteTree(dir));
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            System.err.println("cleanup: " + e.toString().lines().findFirst().orElse(""));
        }
    }
}
