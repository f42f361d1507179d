package io.dockhand.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a run does for a deployment.
 *
 * @param deployment     the deployment
 * @param op             {@code build} (clone, build, push), {@code serve} (create or update the service, then follow
 *                       it) or {@code remove} (the service, its gateway and its images in the registry)
 * @param repository     where a build pushes ({@code 127.0.0.1:5000/dockhand/<name>})
 * @param tag            the tag it pushes (the commit's first 12 hex digits)
 * @param dockerfileText the preset's Dockerfile for the manifest's lang, null to build the repository's own
 * @param service        the service (serve and remove)
 * @param keepTags       a build: the tags of the repository to keep after the push (the app's last
 *                       {@code store.deployments.keep} images, the running and previous ones among them); the
 *                       agent deletes every other tag's manifest from the registry, whose garbage collection then
 *                       reclaims the space
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunDeploy(String deployment, String op, String repository, String tag, String dockerfileText,
                        ServiceSpec service, java.util.List<String> keepTags) {
}
