package io.dockhand.client.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The service answered, but with an error: an RFC 9457 problem (or, from something that is not a Dockhand service,
 * a bare status). The message reads {@code <title>: <detail> (<METHOD> <URL>)}.
 */
public final class ProblemException extends RequestFailedException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String title;

    ProblemException(int status, String title, String detail, String method, String url) {
        super(title + (detail == null || detail.isBlank() ? "" : ": " + detail) + " (" + method + " " + url + ")",
              null);
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
        String firstLine = text.lines().findFirst().orElse("");
        return new ProblemException(status, "HTTP " + status,
                                    firstLine.length() > 200 ? firstLine.substring(0, 200) + "..." : firstLine,
                                    method, url);
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
