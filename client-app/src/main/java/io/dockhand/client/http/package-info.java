/**
 * Talking to the store and the agent over HTTP: every request may go to any of a service's addresses (all the
 * replicas a name resolves to), is retried on the next one when an address fails, and ends in a response, a
 * {@link io.dockhand.client.http.ProblemException problem} the service reported, or an
 * {@link io.dockhand.client.http.UnreachableException} naming every URL tried.
 */
package io.dockhand.client.http;
