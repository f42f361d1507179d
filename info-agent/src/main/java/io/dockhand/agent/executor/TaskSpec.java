package io.dockhand.agent.executor;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What to run: everything a task may ask of the node, and nothing more. There is deliberately no field for
 * privileged mode, host networking, host paths, devices, capabilities or the Docker socket: a task cannot ask for
 * them, and the driver grants none of them.
 *
 * @param id         the task's id, unique on the node: letters, digits, {@code _ . -}, at most 64, starting with a
 *                   letter or digit (the driver names and labels the container after it)
 * @param image      image reference or id to run
 * @param command    the command and its arguments; empty for the image's own
 * @param env        environment variables
 * @param labels     labels for the container; keys under {@code io.dockhand.} are the driver's and refused here
 * @param workingDir absolute working directory inside the container, or null for the image's
 * @param limits     CPU and memory limits
 * @param run        the run the task carries out, written into the driver's reserved labels; null for none
 */
public record TaskSpec(String id, String image, List<String> command, Map<String, String> env,
                       Map<String, String> labels, String workingDir, Limits limits, RunRef run) {

    /** Label keys under this prefix belong to the driver. */
    public static final String RESERVED_LABEL_PREFIX = "io.dockhand.";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern ENV_NAME = Pattern.compile("[^=\\x00]+");

    public TaskSpec {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("Task id must be 1-64 letters, digits, '_', '.' or '-': " + id);
        }
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("Task " + id + " has no image");
        }
        command = List.copyOf(command == null ? List.of() : command);
        env = Map.copyOf(env == null ? Map.of() : env);
        labels = Map.copyOf(labels == null ? Map.of() : labels);
        for (String name : env.keySet()) {
            if (!ENV_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Not an environment variable name: " + name);
            }
        }
        for (String key : labels.keySet()) {
            if (key.startsWith(RESERVED_LABEL_PREFIX)) {
                throw new IllegalArgumentException("Label " + key + " is reserved for the driver");
            }
        }
        if (workingDir != null && !workingDir.startsWith("/")) {
            throw new IllegalArgumentException("Working directory must be absolute: " + workingDir);
        }
        limits = limits == null ? Limits.NONE : limits;
    }

    /** A task that carries out no run. */
    public TaskSpec(String id, String image, List<String> command, Map<String, String> env,
                    Map<String, String> labels, String workingDir, Limits limits) {
        this(id, image, command, env, labels, workingDir, limits, null);
    }

    /** A task with only an id, an image and a command; everything else empty or the image's. */
    public static TaskSpec of(String id, String image, String... command) {
        return new TaskSpec(id, image, List.of(command), Map.of(), Map.of(), null, Limits.NONE);
    }
}
