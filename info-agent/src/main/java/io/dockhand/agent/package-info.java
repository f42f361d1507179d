/**
 * The info agent: an HTTP service on every node that tells a container the facts about itself (and nothing about
 * the others), answering from what it keeps of the node's Docker Engine.
 */
package io.dockhand.agent;
