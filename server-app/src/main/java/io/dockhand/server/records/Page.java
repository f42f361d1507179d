package io.dockhand.server.records;

import java.util.List;
import java.util.Optional;

/**
 * One page of records, newest first.
 *
 * @param items      the records' JSON documents
 * @param nextCursor where the next page starts; empty on the last page
 */
public record Page(List<String> items, Optional<Cursor> nextCursor) {
    static Page empty() {
        return new Page(List.of(), Optional.empty());
    }
}
