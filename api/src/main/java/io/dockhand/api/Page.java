package io.dockhand.api;

import java.util.List;

/**
 * One page of a listing, newest first.
 *
 * @param items      the page's items
 * @param nextCursor where the next page starts ({@code cursor=}), null on the last page
 * @param <T>        the item type
 */
public record Page<T>(List<T> items, String nextCursor) {
}
