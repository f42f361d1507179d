/**
 * The dashboard: the cluster at a glance in a browser, as static files inside this jar (plain JavaScript modules,
 * CSS and a WebJar's charting library) that read the same public API as the CLI and follow the change feed.
 */
package io.dockhand.server.dashboard;
