package io.dockhand.agent;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail, the body of every error response ({@code application/problem+json}).
 *
 * @param type     a URI reference naming the kind of problem ({@code /problems/<slug>})
 * @param title    a short summary of the kind of problem
 * @param status   the HTTP status code
 * @param detail   what went wrong with this request
 * @param instance the request path the problem occurred on
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    /** The media type of a problem document. */
    public static final String MEDIA_TYPE = "application/problem+json";

    static Problem of(String slug, String title, int status, String detail, String instance) {
        return new Problem("/problems/" + slug, title, status, detail, instance);
    }
}
