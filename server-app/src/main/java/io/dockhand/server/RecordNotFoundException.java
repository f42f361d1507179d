package io.dockhand.server;

/** No record has the requested id. */
public final class RecordNotFoundException extends ProblemException {
    RecordNotFoundException(String id) {
        super(404, "record-not-found", "Record not found", "No record has id " + id + ".");
    }
}
