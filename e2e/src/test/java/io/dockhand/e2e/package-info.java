/**
 * End-to-end tests: the images built by {@code provision/build-images.sh}, the stack of {@code swarm-stack.yml}
 * on a single-node swarm of the real Docker engine, driven the way a user and a failing node would drive it.
 */
package io.dockhand.e2e;
