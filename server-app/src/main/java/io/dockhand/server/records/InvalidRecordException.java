package io.dockhand.server.records;

/** The request body is JSON but not a valid record: a required field is missing or a field has the wrong type. */
public final class InvalidRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidRecordException(String detail) {
        super(detail);
    }
}
