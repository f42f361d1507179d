/**
 * What the agent keeps up to date about its node so that answers need not wait for the engine: which container owns
 * which address, each running container's labels, and a recent resource sample of every running container.
 */
package io.dockhand.agent.watch;
