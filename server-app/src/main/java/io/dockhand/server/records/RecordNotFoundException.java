package io.dockhand.server.records;

/** No record has the requested id. */
public final class RecordNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RecordNotFoundException(String id) {
        super("No record has id " + id + ".");
    }
}
