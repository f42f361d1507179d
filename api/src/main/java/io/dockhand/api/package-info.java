/**
 * Dockhand's wire contract: every request and response body as a Java record, the route paths and the problem
 * types, so the store, the agent and the client agree on one schema held in one place. No Helidon here.
 */
package io.dockhand.api;
