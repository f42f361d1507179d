/**
 * The store's database: a pooled connection to H2 or PostgreSQL whose schema Flyway migrates, and transactions
 * that survive the database going away for a moment. What every resource's repository builds on.
 */
package io.dockhand.server.db;
