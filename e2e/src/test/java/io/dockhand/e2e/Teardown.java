package io.dockhand.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Removing what a test run made, waiting where Docker removes things in the background. */
final class Teardown {
    private Teardown() {
    }

    /** Force-removes the containers (and their anonymous volumes) that carry a label. */
    static void removeContainersLabelled(String label) {
        List<String> ids = Docker.lines(Docker.ok("ps", "-aq", "--filter", "label=" + label));
        if (!ids.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("rm", "-f", "-v"));
            args.addAll(ids);
            Docker.ok(args.toArray(String[]::new));
        }
    }

    /** Removes a stack and waits for its containers and network to go, then removes its volumes. */
    static void removeStack(String name) {
        String namespace = "label=com.docker.stack.namespace=" + name;
        Docker.run("stack", "rm", name);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)
                && !(Docker.lines(Docker.ok("ps", "-aq", "--filter", namespace)).isEmpty()
                     && Docker.lines(Docker.ok("network", "ls", "-q", "--filter", namespace)).isEmpty())) {
            Cluster.sleep(Duration.ofSeconds(1));
        }
        for (String container : Docker.lines(Docker.ok("ps", "-aq", "--filter", namespace))) {
            Docker.run("rm", "-f", "-v", container);
        }
        for (String network : Docker.lines(Docker.ok("network", "ls", "-q", "--filter", namespace))) {
            Docker.run("network", "rm", network);
        }
        deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<String> volumes = Docker.lines(Docker.ok("volume", "ls", "-q", "--filter", namespace));
        while (!volumes.isEmpty() && Instant.now().isBefore(deadline)) {
            for (String volume : volumes) {
                Docker.run("volume", "rm", volume);
            }
            volumes = Docker.lines(Docker.ok("volume", "ls", "-q", "--filter", namespace));
            if (!volumes.isEmpty()) {
                Cluster.sleep(Duration.ofSeconds(1));
            }
        }
        if (!volumes.isEmpty()) {
            throw new IllegalStateException("volumes of stack " + name + " still in use: " + volumes);
        }
        if (!Docker.lines(Docker.ok("secret", "ls", "-q", "--filter", "name=" + tokenSecret(name))).isEmpty()) {
            Docker.run("secret", "rm", tokenSecret(name));
        }
    }

    /** The cluster-token secret a test stack gets (the user's stack keeps {@code dockhand_token}). */
    static String tokenSecret(String stack) {
        return stack + "_token";
    }

    /** Removes images by name (only those tags: layers another tag uses stay), ignoring those not there. */
    static void removeImages(List<String> images) {
        List<String> present = images.stream().filter(i -> Docker.run("image", "inspect", i).ok()).toList();
        if (!present.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("image", "rm"));
            args.addAll(present);
            Docker.ok(args.toArray(String[]::new));
        }
    }

    /** Removes the images carrying a label (with the containers still using them gone first), children first. */
    static void removeImagesLabelled(String label) {
        for (int round = 0; round < 5; round++) {
            List<String> images = Docker.lines(Docker.ok("images", "-q", "--no-trunc", "--filter", "label=" + label))
                    .stream().distinct().toList();
            if (images.isEmpty()) {
                return;
            }
            for (String image : images) {
                Docker.run("image", "rm", "--force", image);
            }
        }
    }

    /** Runs one step, noting its failure instead of stopping the teardown. */
    static void attempt(List<String> problems, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
            Cluster.log("teardown step failed: " + e.getMessage());
        }
    }

}
