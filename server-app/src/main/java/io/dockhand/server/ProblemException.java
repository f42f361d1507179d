package io.dockhand.server;

/**
 * A failure the client can act on; the routing turns it into a {@link Problem} with its status, once, in
 * {@link Problems}. Subclasses name the store's domain failures.
 */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String slug;
    private final String title;

    ProblemException(int status, String slug, String title, String detail) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    static ProblemException badRequest(String slug, String detail) {
        return new ProblemException(400, slug, "Bad request", detail);
    }

    int status() {
        return status;
    }

    Problem toProblem(String instance) {
        return Problem.of(slug, title, status, getMessage(), instance);
    }
}
