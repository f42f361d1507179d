/**
 * A build context as {@code docker build} sends one: a folder walked with its {@code .dockerignore} honoured, written
 * as a deterministic tar (the same folder gives the same bytes, so the store and the agents can cache by digest).
 */
package io.dockhand.client.context;
