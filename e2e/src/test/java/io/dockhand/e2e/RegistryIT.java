package io.dockhand.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stack's registry as this node's engine sees it, at {@code 127.0.0.1:<registry port>} through the
 * registry-gateway (plain HTTP, no insecure-registries setting): an image pushed there is pulled back by digest;
 * once its manifest is deleted through the registry's API (what retention and {@code dockhand destroy} do) and
 * the registry has collected its garbage (a round started with SIGUSR1), a pull by that digest fails.
 *
 * <p>The image is the offline base with one layer of this run's own on top, so the pull must fetch that layer
 * from the registry rather than find it on the engine.
 */
@Order(5)
@ExtendWith(ClusterExtension.class)
class RegistryIT {
    private static final Pattern DIGEST = Pattern.compile("digest: (sha256:[0-9a-f]{64})");
    private static final String MANIFEST_TYPES = "application/vnd.docker.distribution.manifest.v2+json, "
            + "application/vnd.oci.image.manifest.v1+json";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Test
    @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
    void pushedImageIsPulledByDigestUntilItsManifestIsDeleted(Cluster cluster) throws Exception {
        cluster.awaitReady(Duration.ofMinutes(3));
        String name = "e2e-" + cluster.runId() + "/probe";
        String repository = "127.0.0.1:" + cluster.registryPort() + "/" + name;
        String tagged = repository + ":1";
        List<String> references = new ArrayList<>(List.of(tagged));
        Path context = Files.createTempDirectory("dockhand-e2e-registry");
        String digest = null;
        boolean deleted = false;
        try {
            Files.writeString(context.resolve("probe.txt"), "registry probe of run " + cluster.runId() + "\n");
            Files.writeString(context.resolve("Dockerfile"), "FROM dockhand/debian:bookworm\nCOPY probe.txt /probe.txt\n");
            Docker.run(Duration.ofMinutes(2), Map.of(), "build", "-q", "--label", cluster.testLabel(), "-t", tagged,
                       context.toString()).orThrow();
            String imageId = Docker.ok("image", "inspect", "--format", "{{.Id}}", tagged);

            Docker.Result push = Docker.run(Duration.ofMinutes(3), Map.of(), "push", tagged);
            Cluster.log("docker push " + tagged + " exited " + push.exitCode() + ": " + push.out().strip()
                                .replace('\n', ' ') + (push.err().isBlank() ? "" : " / " + push.err().strip()));
            assertThat(push.exitCode()).as("docker push; stderr: %s", push.err()).isZero();
            Matcher m = DIGEST.matcher(push.out());
            assertThat(m.find()).as("a digest in the push's output: %s", push.out()).isTrue();
            digest = m.group(1);
            String byDigest = repository + "@" + digest;
            references.add(byDigest);
            assertThat(get(cluster.registry().resolve("/v2/" + name + "/tags/list")).body()).contains("\"1\"");

            // Nothing of it left on this engine: the tag, the digest reference (the engine drops it with the
            // repository's last tag) and its own layer go.
            Docker.ok("image", "rm", tagged);
            Docker.run("image", "rm", byDigest);
            assertThat(Docker.run("image", "inspect", imageId).ok()).as("image %s removed locally", imageId).isFalse();

            Docker.Result pull = Docker.run(Duration.ofMinutes(3), Map.of(), "pull", byDigest);
            Cluster.log("docker pull " + byDigest + " exited " + pull.exitCode() + ": " + pull.out().strip()
                                .replace('\n', ' '));
            assertThat(pull.exitCode()).as("docker pull by digest; stderr: %s", pull.err()).isZero();
            assertThat(Docker.ok("image", "inspect", "--format", "{{.Id}}", byDigest)).isEqualTo(imageId);
            Docker.ok("image", "rm", byDigest);

            HttpResponse<String> delete = send(HttpRequest.newBuilder(
                    cluster.registry().resolve("/v2/" + name + "/manifests/" + digest)).DELETE());
            Cluster.log("DELETE /v2/" + name + "/manifests/" + digest + ": HTTP " + delete.statusCode());
            assertThat(delete.statusCode()).as("DELETE manifest: %s", delete.body()).isEqualTo(202);
            deleted = true;
            assertThat(send(HttpRequest.newBuilder(cluster.registry().resolve("/v2/" + name + "/manifests/" + digest))
                                    .header("Accept", MANIFEST_TYPES)).statusCode())
                    .as("the manifest after its deletion").isEqualTo(404);
            assertThat(get(cluster.registry().resolve("/v2/" + name + "/tags/list")).body())
                    .as("tags of %s after the deletion", name).doesNotContain("\"1\"");

            // The engine may keep the manifest of a digest it pulled and skip asking for it again: the layers must
            // be gone too, which is the garbage collection's job. SIGUSR1 runs a round at once.
            String registry = cluster.containersOf("registry").getFirst();
            Docker.ok("kill", "--signal", "USR1", registry);
            awaitLog(registry, "garbage collection done", Duration.ofSeconds(60));

            Docker.Result gone = Docker.run(Duration.ofMinutes(3), Map.of(), "pull", byDigest);
            Cluster.log("docker pull " + byDigest + " after the deletion exited " + gone.exitCode() + ": "
                                + gone.out().strip().replace('\n', ' ') + " / " + gone.err().strip());
            assertThat(gone.exitCode()).as("a pull of a deleted, collected image: %s", gone.out()).isNotZero();
            assertThat(gone.err()).containsAnyOf("manifest unknown", "blob unknown", "not found");
        } finally {
            if (digest != null && !deleted) {
                try {
                    send(HttpRequest.newBuilder(cluster.registry().resolve("/v2/" + name + "/manifests/" + digest))
                                 .DELETE());
                } catch (IOException e) {
                    Cluster.log("could not delete the manifest " + digest + ": " + e);
                }
            }
            for (String reference : references) {
                Docker.run("image", "rm", "--force", reference);
            }
            Teardown.removeImagesLabelled(cluster.testLabel());
            try (var files = Files.walk(context)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Waits until a container's log has a line containing the text, and logs that line. */
    private static void awaitLog(String container, String text, Duration timeout) {
        java.time.Instant deadline = java.time.Instant.now().plus(timeout);
        while (java.time.Instant.now().isBefore(deadline)) {
            Docker.Result logs = Docker.run("logs", container);
            var line = (logs.out() + logs.err()).lines().filter(l -> l.contains(text)).findFirst();
            if (line.isPresent()) {
                Cluster.log("registry: " + line.get().strip());
                return;
            }
            Cluster.sleep(Duration.ofSeconds(1));
        }
        throw new AssertionError("no '" + text + "' in the log of " + container + " within " + timeout + ":\n"
                                         + Docker.run("logs", "--tail", "20", container).err());
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
