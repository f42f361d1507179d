/**
 * The Helidon layer the store and the agent share, so each behaviour exists and is tested once: a table of the
 * routes a server registers ({@link io.dockhand.web.Routes}) from which the 404/405 fallback and the metric labels
 * follow, problem documents for every failure ({@link io.dockhand.web.Problems}), Prometheus metrics, readiness
 * and the version route, put together by {@link io.dockhand.web.WebApp}.
 */
package io.dockhand.web;
