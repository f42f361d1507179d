/**
 * The store's live changes for browsers: one shared poller per replica reads what changed once a second and fans
 * small notices out to every dashboard over Server-Sent Events; the page then fetches what changed.
 */
package io.dockhand.server.events;
