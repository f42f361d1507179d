package io.dockhand.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Creates Docker objects for a test class, labels each {@code io.dockhand.test=agent}, and force-removes every one
 * of them after the class, whatever happened (docker-java's {@code DockerRule} is the model). Leftovers of an
 * earlier, killed run are removed before the class starts.
 */
final class DockerFixture implements BeforeAllCallback, AfterAllCallback {

    static final String LABEL = "io.dockhand.test";
    static final String LABEL_VALUE = "agent";
    static final String IMAGE = "dockhand/debian:bookworm";

    private final List<String> containers = Collections.synchronizedList(new ArrayList<>());
    private final List<String> networks = Collections.synchronizedList(new ArrayList<>());
    private DockerClient docker;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        docker = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(60)).build());
        removeLeftovers();
        ensureBaseImage();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            removeAll();
        } finally {
            docker.close();
        }
    }

    DockerClient docker() {
        return docker;
    }

    /** Creates a labelled user bridge network and returns its gateway address. */
    String network(String name) {
        String id = docker.createNetworkCmd().withName(name).withDriver("bridge")
                .withLabels(Map.of(LABEL, LABEL_VALUE)).exec().getId();
        networks.add(id);
        return docker.inspectNetworkCmd().withNetworkId(id).exec().getIpam().getConfig().get(0).getGateway();
    }

    /** Starts a labelled container of the base image on a network and returns its full id. */
    String run(String name, String network, Map<String, String> labels, List<String> env, String... command) {
        Map<String, String> all = new HashMap<>(labels);
        all.put(LABEL, LABEL_VALUE);
        String id = docker.createContainerCmd(IMAGE).withName(name).withLabels(all).withEnv(env).withCmd(command)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode(network).withInit(true)).exec().getId();
        containers.add(id);
        docker.startContainerCmd(id).exec();
        return id;
    }

    /** Runs a command in a container and returns what it printed on stdout. */
    String exec(String container, String... command) throws InterruptedException {
        String exec = docker.execCreateCmd(container).withCmd(command).withAttachStdout(true).withAttachStderr(true)
                .exec().getId();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var callback = docker.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                if (frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDOUT
                        || frame.getStreamType() == com.github.dockerjava.api.model.StreamType.RAW) {
                    out.writeBytes(frame.getPayload());
                }
            }
        });
        if (!callback.awaitCompletion(30, TimeUnit.SECONDS)) {
            throw new AssertionError("exec did not finish: " + String.join(" ", command));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void removeAll() {
        List<String> failures = new ArrayList<>();
        for (String id : List.copyOf(containers)) {
            try {
                docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException gone) {
                // already removed
            } catch (RuntimeException e) {
                failures.add("container " + id + ": " + e.getMessage());
            }
        }
        for (String id : List.copyOf(networks)) {
            try {
                docker.removeNetworkCmd(id).exec();
            } catch (NotFoundException gone) {
                // already removed
            } catch (RuntimeException e) {
                failures.add("network " + id + ": " + e.getMessage());
            }
        }
        containers.clear();
        networks.clear();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("Could not remove " + failures);
        }
    }

    private void removeLeftovers() {
        String filter = LABEL + "=" + LABEL_VALUE;
        docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(filter)).exec()
                .forEach(c -> containers.add(c.getId()));
        docker.listNetworksCmd().withFilter("label", List.of(filter)).exec().forEach(n -> networks.add(n.getId()));
        removeAll();
    }

    private void ensureBaseImage() throws IOException, InterruptedException {
        try {
            docker.inspectImageCmd(IMAGE).exec();
            return;
        } catch (NotFoundException missing) {
            // build it below
        }
        Path root = Path.of(System.getProperty("dockhand.root", "..")).toAbsolutePath();
        Path script = root.resolve("provision/offline-base.sh");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException(IMAGE + " is missing and " + script + " cannot build it");
        }
        Process build = new ProcessBuilder(script.toString()).inheritIO().start();
        if (build.waitFor() != 0) {
            throw new IllegalStateException(script + " failed");
        }
    }
}
