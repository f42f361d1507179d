package io.dockhand.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a run's source comes from when it is a git repository (a job task's attempt) rather than an uploaded
 * context: the agent that claims the run clones it (shallow, cached on the node per commit) and builds the
 * Dockerfile at {@link Run#dockerfile()} of its working tree.
 *
 * @param repo   the repository's URL ({@code https://}, {@code http://}, {@code git://}, {@code ssh://} or a path)
 * @param ref    the branch, tag or commit asked for; null for the repository's HEAD
 * @param commit the commit the agent resolved the ref to and built; null until it reported it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GitSource(String repo, String ref, String commit) {
}
