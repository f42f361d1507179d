/**
 * Dockhand's store: a Helidon SE service that keeps what agents report about containers, in H2 or PostgreSQL over
 * JDBC, so the cluster has a memory of what ran on it.
 */
package io.dockhand.server;
