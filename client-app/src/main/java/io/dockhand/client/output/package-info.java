/**
 * How results are shown: plain-text tables and one-line summaries for people, the server's JSON (pretty) for
 * scripts, colour only for a terminal that wants it.
 */
package io.dockhand.client.output;
