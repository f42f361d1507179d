package io.dockhand.server.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.dockhand.server.db.Micros;

/**
 * The SQL of one page of a listing, newest first: the filters and the cursor become conditions on the leading
 * columns of an index whose order is the listing's, so the database reads the page and stops (keyset paging)
 * instead of scanning or sorting the table. Selects (sequence, observation time, document).
 */
final class PageQuery {
    private final StringBuilder sql;
    private final List<Object> params = new ArrayList<>();
    private boolean where;

    private PageQuery(String select) {
        this.sql = new StringBuilder(select);
    }

    /** A page of {@code records}. */
    static PageQuery records(RecordQuery query) {
        return new PageQuery("SELECT r.seq, r.observed_us, r.document FROM records r")
                .build(query, "r", "r.seq", false);
    }

    /** A page of the inventory: the latest record of each container. */
    static PageQuery containers(RecordQuery query) {
        return new PageQuery("SELECT c.record_seq, c.observed_us, r.document FROM containers c "
                                     + "JOIN records r ON r.seq = c.record_seq").build(query, "c", "c.record_seq", true);
    }

    /**
     * @param onePerContainer the table holds one row per container: filtered by container, the page is at most that
     *                        row and is read by primary key, with nothing to order (ordering it by time would have
     *                        PostgreSQL read the time index instead, filtering every row for the one container)
     */
    private PageQuery build(RecordQuery query, String alias, String seq, boolean onePerContainer) {
        // Equality filters pick the index; naming the filtered column first in ORDER BY (a constant, so the
        // order is unchanged) lets the database see that index's order as the listing's and stop after the page.
        String leading = null;
        if (query.containerId().isPresent()) {
            add(alias + ".container_id = ?", query.containerId().get());
            leading = alias + ".container_id";
        }
        if (query.node().isPresent()) {
            add(alias + ".node = ?", query.node().get());
            leading = leading == null ? alias + ".node" : leading;
        }
        if (query.image().isPresent()) {
            add(alias + ".image = ?", query.image().get());
            leading = leading == null ? alias + ".image" : leading;
        }
        query.since().ifPresent(since -> add(alias + ".observed_us >= ?", Micros.of(since)));
        query.until().ifPresent(until -> add(alias + ".observed_us < ?", Micros.of(until)));
        query.cursor().ifPresent(cursor -> {
            // a range on the index (observed_us <= t) plus the tie-break within one instant
            add(alias + ".observed_us <= ?", cursor.observedMicros());
            add("NOT (" + alias + ".observed_us = ? AND " + seq + " >= ?)", cursor.observedMicros(), cursor.seq());
        });
        if (onePerContainer && query.containerId().isPresent()) {
            sql.append(" ORDER BY ").append(alias).append(".container_id FETCH FIRST ? ROWS ONLY");
        } else {
            sql.append(" ORDER BY ").append(leading == null ? "" : leading + ", ")
                    .append(alias).append(".observed_us DESC, ").append(seq)
                    .append(" DESC FETCH FIRST ? ROWS ONLY");
        }
        params.add(query.limit() + 1); // one more than asked: whether a next page exists
        return this;
    }

    private void add(String condition, Object... values) {
        sql.append(where ? " AND " : " WHERE ").append(condition);
        where = true;
        params.addAll(List.of(values));
    }

    String sql() {
        return sql.toString();
    }

    PreparedStatement prepare(Connection c) throws SQLException {
        return prepare(c, "");
    }

    /** Prepares the statement, optionally behind a prefix such as {@code EXPLAIN }, with its parameters bound. */
    PreparedStatement prepare(Connection c, String prefix) throws SQLException {
        PreparedStatement statement = c.prepareStatement(prefix + sql);
        for (int i = 0; i < params.size(); i++) {
            statement.setObject(i + 1, params.get(i));
        }
        return statement;
    }
}
