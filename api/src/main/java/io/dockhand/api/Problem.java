package io.dockhand.api;

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
    /** Where problem types live: {@code type} is this prefix and a slug. */
    public static final String TYPE_PREFIX = "/problems/";

    /** A problem of the type named by {@code slug}. */
    public static Problem of(String slug, String title, int status, String detail, String instance) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, instance);
    }

    /** The slug of {@link #type()}, or the whole type when it is not one of ours. */
    public String slug() {
        return type != null && type.startsWith(TYPE_PREFIX) ? type.substring(TYPE_PREFIX.length()) : type;
    }
}
