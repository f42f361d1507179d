package io.dockhand.server.deployments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.dockhand.api.Manifest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each preset built for real by the engine's classic builder (as the agent builds) on the offline base image,
 * over a tiny app, then run and called from inside its container as the service's health check calls it. Every
 * image and container is labelled and removed after each test, even when it fails.
 */
class PresetsIT {
    private static final String BASE_IMAGE = System.getProperty("dockhand.baseImage", "dockhand/debian:bookworm");
    private static final String LABEL = "io.dockhand.test=presets";

    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final List<Path> dirs = new ArrayList<>();
    private final List<String> containers = new ArrayList<>();
    private final List<String> images = new ArrayList<>();

    @AfterEach
    void removeEverything() throws Exception {
        for (String container : containers) {
            docker(Duration.ofSeconds(30), "rm", "-f", "-v", container);
        }
        for (String image : images) {
            docker(Duration.ofSeconds(30), "rmi", "-f", image);
        }
        for (Path dir : dirs) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void nodeServesAnAppWithoutDependenciesWithoutTheNpmRegistry() throws Exception {
        String name = buildAndRun("node", 3000, "node server.js", Map.of(
                "package.json", "{\"name\": \"hello\", \"version\": \"1.0.0\", \"devDependencies\": {\"x\": \"1\"}}",
                "server.js", """
                        const http = require('http');
                        http.createServer((req, res) => res.end('hello from node ' + req.url + ' as '
                            + process.getuid())).listen(process.env.PORT);
                        """));

        assertThat(callInside(name, 3000, "/ping")).isEqualTo("hello from node /ping as 10001");
        assertStopsPromptly(name);
    }

    @Test
    void pythonServesAnAppWithoutThePackageIndex() throws Exception {
        String name = buildAndRun("python", 8000, "python3 app.py", Map.of(
                "requirements.txt", "# nothing to install\n\n",
                "app.py", """
                        import os
                        from http.server import BaseHTTPRequestHandler, HTTPServer

                        class Hello(BaseHTTPRequestHandler):
                            def do_GET(self):
                                body = ("hello from python %s as %d" % (self.path, os.getuid())).encode()
                                self.send_response(200)
                                self.end_headers()
                                self.wfile.write(body)

                        HTTPServer(("", int(os.environ["PORT"])), Hello).serve_forever()
                        """));

        assertThat(callInside(name, 8000, "/healthz")).isEqualTo("hello from python /healthz as 10001");
        assertStopsPromptly(name);
    }

    @Test
    void staticServesTheRepositoryFilesButNotItsGitDirectory() throws Exception {
        String name = buildAndRun("static", 8080, null, Map.of(
                "index.html", "<h1>hello static</h1>\n",
                "css/site.css", "h1 { color: teal; }\n",
                ".git/config", "[core]\n"));

        assertThat(callInside(name, 8080, "/")).isEqualTo("<h1>hello static</h1>\n");
        assertThat(callInside(name, 8080, "/css/site.css")).isEqualTo("h1 { color: teal; }\n");
        assertThat(docker(Duration.ofSeconds(20), "exec", name, "sh", "-c",
                "id -u; ls -A /app; curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/.git/config").out())
                .isEqualTo("10001\nDockerfile.dockhand\ncss\nindex.html\n404");
        assertStopsPromptly(name);
    }

    private String buildAndRun(String lang, int port, String run, Map<String, String> files) throws Exception {
        Path dir = Files.createTempDirectory("dockhand-preset-" + lang);
        dirs.add(dir);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = dir.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        Manifest.Config config = new Manifest.Config(port, lang, run, Map.of(), 1, "/", 0, 0, port);
        Files.writeString(dir.resolve("Dockerfile.dockhand"), Presets.dockerfile(config));
        String name = "dockhand-test-preset-" + lang + "-" + id;
        images.add(name);
        Result build = docker(Duration.ofMinutes(5), "build", "--force-rm", "--build-arg",
                "BASE_IMAGE=" + BASE_IMAGE, "--label", LABEL, "-f", dir.resolve("Dockerfile.dockhand").toString(),
                "-t", name, dir.toString());
        assertThat(build.code()).as("docker build:\n%s", build.out()).isZero();
        containers.add(name);
        Result started = docker(Duration.ofSeconds(30), "run", "-d", "--name", name, "--label", LABEL, name);
        assertThat(started.code()).as("docker run: %s", started.out()).isZero();
        return name;
    }

    /** Calls the app from inside its container until it answers, as the health check does. */
    private String callInside(String name, int port, String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Result call;
        do {
            call = docker(Duration.ofSeconds(10), "exec", name, "curl", "-fsS", "http://127.0.0.1:" + port + path);
            if (call.code() == 0) {
                return call.out();
            }
            Thread.sleep(300);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no answer on " + path + ": " + call.out() + "\nlogs: "
                + docker(Duration.ofSeconds(10), "logs", name).out());
    }

    /** tini passes SIGTERM on: the app stops at once, not after Docker's 10 s. */
    private void assertStopsPromptly(String name) throws Exception {
        long start = System.nanoTime();
        assertThat(docker(Duration.ofSeconds(20), "stop", "-t", "10", name).code()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    private record Result(int code, String out) {
    }

    private static Result docker(Duration limit, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("dockhand-docker", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            builder.environment().put("DOCKER_BUILDKIT", "0"); // the classic builder, as the agent's docker-java
            Process process = builder.start();
            if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new Result(-1, "timed out: " + String.join(" ", command) + "\n" + Files.readString(out));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
