/**
 * Records: what agents and clients report about containers. The records API and the original tool's
 * {@code /service} path, their validation, and the repository that keeps records exactly once.
 */
package io.dockhand.server.records;
