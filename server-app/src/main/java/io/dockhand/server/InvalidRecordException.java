package io.dockhand.server;

/** The request body is JSON but not a valid record: a required field is missing or a field has the wrong type. */
public final class InvalidRecordException extends ProblemException {
    InvalidRecordException(String detail) {
        super(422, "invalid-record", "Invalid record", detail);
    }
}
