package io.dockhand.agent.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dockhand.agent.executor.ImageBuildException;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.BuildResponseItem;

/**
 * One image build: follows the engine's build stream, passes its output on a line at a time, and tells the image's
 * id or why there is none. The engine reports a failed step inside a successful response, as an error item, which
 * is an {@link ImageBuildException}; a refused request (such as a context that is not a tar) is one as well.
 */
final class DockerBuild {

    private static final Pattern STEP = Pattern.compile(
            "Step \\d+/\\d+ : (\\w+).*");
    private static final Pattern STEP_IMAGE = Pattern.compile(
            "\\s*---> ([0-9a-f]{12,64})");

    private final Consumer<String> log;
    private final StringBuilder partial = new StringBuilder();
    /** Images this build made for its steps (not the base, not ones taken from the cache), oldest first. */
    private final List<String> made = new CopyOnWriteArrayList<>();
    private String instruction = "";
    private boolean fromCache;
    private final AtomicReference<String> imageId = new AtomicReference<>();
    private final AtomicReference<String> error = new AtomicReference<>();

    private DockerBuild(Consumer<String> log) {
        this.log = log;
    }

    /**
     * Runs the build and returns the new image's id. When it fails, {@code leftovers} is given the images the
     * build made for the steps that succeeded (newest first), which nothing else knows of: the caller removes them,
     * so a failed build leaves no dangling image behind, an interrupted (abandoned) one included.
     */
    static String run(BuildImageCmd command, Duration timeout, Consumer<String> log,
                      Consumer<List<String>> leftovers) {
        DockerBuild build = new DockerBuild(log);
        try {
            return build.run(command, timeout);
        } catch (RuntimeException e) {
            List<String> newestFirst = new ArrayList<>(build.made);
            Collections.reverse(newestFirst);
            if (!newestFirst.isEmpty()) {
                // A build abandoned by an interrupt (a cancelled run) has its thread's flag set again, which would
                // make every engine call fail at once: the leftovers are removed first, the flag restored after.
                boolean interrupted = Thread.interrupted();
                try {
                    leftovers.accept(newestFirst);
                } finally {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            throw e;
        }
    }

    private String run(BuildImageCmd command, Duration timeout) {
        DockerBuild build = this;
        var callback = command.exec(new ResultCallback.Adapter<BuildResponseItem>() {
            @Override
            public void onNext(BuildResponseItem item) {
                build.accept(item);
            }
        });
        try {
            if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ImageBuildException("The build did not finish within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnavailableException("Interrupted while building an image", e);
        } catch (DockerException e) {
            throw new ImageBuildException("The Docker Engine refused the build: " + DockerCalls.engineMessage(e));
        } catch (DockerClientException e) {
            throw new ImageBuildException("The build failed: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new EngineUnavailableException("The build failed: " + DockerCalls.rootMessage(e), e);
        } finally {
            DockerCalls.closeQuietly(callback);
        }
        build.flush();
        if (build.error.get() != null) {
            throw new ImageBuildException(build.error.get());
        }
        if (build.imageId.get() == null) {
            throw new ImageBuildException("The build ended without an image");
        }
        return build.imageId.get();
    }

    private void accept(BuildResponseItem item) {
        if (item.getStream() != null) {
            text(item.getStream());
        }
        if (item.isErrorIndicated()) {
            String message = item.getErrorDetail() == null ? null : item.getErrorDetail().getMessage();
            error.compareAndSet(null, message == null ? "The build failed" : message.strip());
            text((message == null ? "The build failed" : message) + "\n");
        }
        if (item.getImageId() != null) {
            // docker-java reads it from the aux item or from the classic builder's "Successfully built" line.
            imageId.set(item.getImageId());
        }
    }

    private void text(String chunk) {
        for (int i = 0; i < chunk.length(); i++) {
            char c = chunk.charAt(i);
            if (c == '\n') {
                emit();
            } else if (c != '\r' && partial.length() < LogLines.MAX_LINE) {
                partial.append(c);
            }
        }
    }

    /** Tracks which step images the build made, from the classic builder's own lines. */
    private void follow(String line) {
        Matcher step = STEP.matcher(line);
        if (step.matches()) {
            instruction = step.group(1).toUpperCase(Locale.ROOT);
            fromCache = false;
            return;
        }
        if (line.strip().equals("---> Using cache")) {
            fromCache = true;
            return;
        }
        Matcher image = STEP_IMAGE.matcher(line);
        if (image.matches()) {
            if (!fromCache && !instruction.equals("FROM")) {
                made.add(image.group(1));
            }
            fromCache = false;
        }
    }

    private void flush() {
        if (!partial.isEmpty()) {
            emit();
        }
    }

    private void emit() {
        String line = partial.toString().stripTrailing();
        partial.setLength(0);
        follow(line);
        if (!line.isEmpty()) {
            log.accept(line);
        }
    }
}
