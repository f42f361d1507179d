package io.dockhand.agent.engine;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

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

    private final Consumer<String> log;
    private final StringBuilder partial = new StringBuilder();
    private final AtomicReference<String> imageId = new AtomicReference<>();
    private final AtomicReference<String> error = new AtomicReference<>();

    private DockerBuild(Consumer<String> log) {
        this.log = log;
    }

    /** Runs the build and returns the new image's id. */
    static String run(BuildImageCmd command, Duration timeout, Consumer<String> log) {
        DockerBuild build = new DockerBuild(log);
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

    private void flush() {
        if (!partial.isEmpty()) {
            emit();
        }
    }

    private void emit() {
        String line = partial.toString().stripTrailing();
        partial.setLength(0);
        if (!line.isEmpty()) {
            log.accept(line);
        }
    }
}
