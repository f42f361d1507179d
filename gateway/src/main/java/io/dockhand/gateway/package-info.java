/**
 * Dockhand's gateway: a TCP forwarder that publishes the store's port on a node and hands each connection to a
 * live store replica found by DNS, because the swarm routing mesh (IPVS) is not available everywhere.
 */
package io.dockhand.gateway;
