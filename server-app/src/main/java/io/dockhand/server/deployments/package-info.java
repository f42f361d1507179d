/**
 * Deployments: an app's manifest read from its repository ({@link io.dockhand.server.deployments.RepoProbe},
 * {@link io.dockhand.server.deployments.ManifestParser}), the Dockerfile its {@code lang} builds with
 * ({@link io.dockhand.server.deployments.Presets}), and the runs that build, serve and remove it.
 */
package io.dockhand.server.deployments;
