package io.dockhand.server.records;

/** The start of an id that several records or containers share: the caller must give more of it. */
public final class AmbiguousIdException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String what;

    AmbiguousIdException(String what, String detail) {
        super(detail);
        this.what = what;
    }

    /** What the id names: {@code record} or {@code container}. */
    public String what() {
        return what;
    }
}
