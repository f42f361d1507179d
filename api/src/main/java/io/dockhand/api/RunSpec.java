package io.dockhand.api;

import java.util.List;

/**
 * What {@code POST /api/v1/runs} reads from its query, beside the tar body (the build context, {@code
 * Content-Type: application/x-tar}, streamed). Every parameter is optional:
 * <ul>
 * <li>{@code dockerfile} — the Dockerfile's path in the context ({@code Dockerfile})</li>
 * <li>{@code node} — the node to run on (else the live node with the fewest runs in progress)</li>
 * <li>{@code cpus} — CPU limit, a number from 0.01 to the node's CPUs</li>
 * <li>{@code memory} — memory limit, a {@link Sizes size} from 6m (Docker's least) up</li>
 * <li>{@code timeout} — a {@link Durations duration}: the container is stopped and the run fails after it</li>
 * <li>{@code env} — {@code KEY=VALUE}, repeated</li>
 * <li>{@code arg} — the command and its arguments, one per {@code arg}, in order (none: the image's own)</li>
 * </ul>
 * The answer is {@code 201} with the {@link Run} and {@code Location}. This class only names the parameters.
 */
public final class RunSpec {
    public static final String DOCKERFILE = "dockerfile";
    public static final String NODE = "node";
    public static final String CPUS = "cpus";
    public static final String MEMORY = "memory";
    public static final String TIMEOUT = "timeout";
    public static final String ENV = "env";
    public static final String ARG = "arg";
    /** Every parameter {@code POST /api/v1/runs} reads. */
    public static final List<String> ALL = List.of(DOCKERFILE, NODE, CPUS, MEMORY, TIMEOUT, ENV, ARG);

    private RunSpec() {
    }
}
