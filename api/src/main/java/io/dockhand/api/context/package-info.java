/**
 * What the client and the agent both need to make a build context: the {@code .dockerignore} matcher, so that a
 * folder uploaded by the client and a git checkout built by an agent leave out the same files, as Docker would.
 */
package io.dockhand.api.context;
