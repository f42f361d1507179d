package io.dockhand.client.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The service answered, but with an error: an RFC 9457 problem (or, from something that is not a Dockhand service,
 * a bare status). The message reads {@code <title>: <detail> (<METHOD> <URL>)}.
 */
public final class ProblemException extends RequestFailedException {
    private static final long serialVersionUID = 1L;
    /** The longest title and detail quoted in a message: a problem is a sentence, not a document. */
    private static final int LONGEST_TITLE = 200;
    private static final int LONGEST_DETAIL = 500;
    private final int status;
    private final String title;

    ProblemException(int status, String title, String detail, String method, String url) {
        this(status, title, detail, method, url, null);
    }

    private ProblemException(int status, String title, String detail, String method, String url, Throwable cause) {
        super(cut(title, LONGEST_TITLE)
                      + (detail == null || detail.isBlank() ? "" : ": " + cut(detail, LONGEST_DETAIL))
                      + " (" + method + " " + url + ")", cause);
        this.status = status;
        this.title = title;
    }

    static ProblemException of(int status, byte[] body, String method, String url) {
        JsonNode problem = Response.parseQuietly(body);
        if (problem != null && problem.hasNonNull("title")) {
            return new ProblemException(status, problem.get("title").asText(),
                                        problem.path("detail").asText(null), method, url);
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
        return new ProblemException(status, "HTTP " + status, cut(text.lines().findFirst().orElse(""), 200), method,
                                    url);
    }

    /** A successful answer the client would not hold; status 0, as no error status was sent. */
    static ProblemException tooLarge(Exchange.TooLargeException e, String method, String url) {
        return new ProblemException(0, "Response too large", e.getMessage(), method, url, e);
    }

    private static String cut(String text, int length) {
        return text == null || text.length() <= length ? text : text.substring(0, length) + "...";
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** The problem's title. */
    public String title() {
        return title;
    }
}
