package io.dockhand.web;

import io.dockhand.api.Problem;

/**
 * A failure of the HTTP exchange itself that the caller can act on (a bad query parameter, a body that is not
 * JSON, a missing token); {@link Problems} turns it into a {@link Problem}. Domain failures are the domain's own
 * exceptions, mapped to problems where the routing is set up.
 */
public class ProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String slug;
    private final String title;

    /** A problem with this status, type slug, title and detail. */
    public ProblemException(int status, String slug, String title, String detail) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    /** A 400: the request is malformed in the way the slug names. */
    public static ProblemException badRequest(String slug, String detail) {
        return new ProblemException(400, slug, "Bad request", detail);
    }

    /** A 401: the request needs a valid token. */
    public static ProblemException unauthorized(String slug, String detail) {
        return new ProblemException(401, slug, "Unauthorized", detail);
    }

    /** A 403: the caller may not do or see this. */
    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", "Forbidden", detail);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The problem type's slug. */
    public String slug() {
        return slug;
    }

    /** The problem's title. */
    public String title() {
        return title;
    }

    /** The problem document for a request on {@code instance}. */
    public Problem toProblem(String instance) {
        return Problem.of(slug, title, status, getMessage(), instance);
    }
}
