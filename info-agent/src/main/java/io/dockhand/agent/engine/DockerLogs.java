package io.dockhand.agent.engine;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.dockhand.agent.executor.LogLine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;

/**
 * Reads a task's log for {@link DockerDriver}, as lines per stream. A followed log is read once more from its start
 * when it ends, and what the followed stream missed is passed on: Docker 20.10's followed json-file log can end as
 * the task exits before its last output is delivered (seen here in two runs out of three).
 */
final class DockerLogs {

    private DockerLogs() {
    }

    static Engine.Subscription follow(DockerClient docker, String containerId, boolean follow, Duration catchUpTimeout,
                                      Consumer<LogLine> onLine, Runnable onEnd) {
        LogLines lines = new LogLines(onLine);
        return DockerCalls.stream(command(docker, containerId, follow), () -> { }, frame -> accept(lines, frame), () -> {
            if (follow) {
                catchUp(docker, containerId, lines, catchUpTimeout);
            }
            lines.flush();
            onEnd.run();
        });
    }

    private static void catchUp(DockerClient docker, String containerId, LogLines lines, Duration timeout) {
        lines.reread();
        var again = command(docker, containerId, false).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                accept(lines, frame);
            }
        });
        try {
            again.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The task may be gone already: what was followed is all there is.
        } finally {
            DockerCalls.closeQuietly(again);
        }
    }

    private static LogContainerCmd command(DockerClient docker, String containerId, boolean follow) {
        return docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withFollowStream(follow)
                .withTailAll();
    }

    private static void accept(LogLines lines, Frame frame) {
        LogLine.Stream stream = frame.getStreamType() == StreamType.STDERR ? LogLine.Stream.STDERR
                : LogLine.Stream.STDOUT;
        lines.accept(stream, frame.getPayload());
    }
}
