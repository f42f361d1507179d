package io.dockhand.agent;

/**
 * A failure the caller can act on; {@link Problems} turns it into a {@link Problem} with its status, once, at the
 * routing level.
 */
class ProblemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String slug;
    private final String title;

    ProblemException(int status, String slug, String title, String detail) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    /** The caller may not see what it asked for (or is not a container on this node). */
    static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", "Forbidden", detail);
    }

    /** The caller presented an operator token that is not the configured one. */
    static ProblemException badToken() {
        return new ProblemException(401, "bad-token", "Unauthorized",
                "The bearer token is not this agent's operator token.");
    }

    Problem toProblem(String instance) {
        return Problem.of(slug, title, status, getMessage(), instance);
    }
}
