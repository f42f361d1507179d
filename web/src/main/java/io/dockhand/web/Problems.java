package io.dockhand.web;

import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.dockhand.api.Problem;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.media.jackson.JacksonRuntimeException;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Maps every failure to an RFC 9457 problem response, once, at the routing level: {@link ProblemException}s,
 * the domain exceptions a server declares with {@link Mapping}, Helidon's own {@link HttpException}s and
 * malformed JSON. Anything else is a 500 with a generic detail; its trace goes to the log, never to the client.
 */
public final class Problems {
    private static final System.Logger LOG = System.getLogger(Problems.class.getName());

    private Problems() {
    }

    /**
     * How one domain exception becomes a problem.
     *
     * @param type       the exception class (its subclasses too, unless mapped themselves)
     * @param status     the HTTP status
     * @param slug       the problem type's slug, from the exception
     * @param title      the problem's title
     * @param retryAfter seconds to put in {@code Retry-After} (the failure is passing), 0 for none
     * @param detail     the problem's detail, from the exception
     * @param <E>        the exception type
     */
    public record Mapping<E extends Throwable>(Class<E> type, int status, Function<? super E, String> slug,
                                               String title, int retryAfter, Function<? super E, String> detail) {

        /** A mapping whose detail is the exception's message. */
        public static <E extends Throwable> Mapping<E> of(Class<E> type, int status, String slug, String title) {
            return new Mapping<>(type, status, e -> slug, title, 0, Throwable::getMessage);
        }

        /** This mapping, telling the client to retry after {@code seconds} (the cause is logged as a warning). */
        public Mapping<E> retryAfter(int seconds) {
            return new Mapping<>(type, status, slug, title, seconds, detail);
        }

        /** This mapping with the detail computed from the exception. */
        public Mapping<E> detail(Function<? super E, String> detail) {
            return new Mapping<>(type, status, slug, title, retryAfter, detail);
        }

        /** This mapping with the problem type's slug computed from the exception (one exception, several kinds). */
        public Mapping<E> slug(Function<? super E, String> slug) {
            return new Mapping<>(type, status, slug, title, retryAfter, detail);
        }

        void register(HttpRouting.Builder routing) {
            routing.error(type, (req, res, e) -> {
                if (retryAfter > 0) {
                    LOG.log(Level.WARNING, title + " on " + req.path().path(), e.getCause() == null ? e : e.getCause());
                    res.header(HeaderNames.RETRY_AFTER, Integer.toString(retryAfter));
                }
                send(res, Problem.of(slug.apply(e), title, status, detail.apply(e), req.path().path()));
            });
        }
    }

    /** Registers the mappings, the built-in ones last (Helidon picks the most specific class anyway). */
    static void register(HttpRouting.Builder routing, List<Mapping<?>> mappings) {
        List<Mapping<?>> all = new ArrayList<>(mappings);
        for (Mapping<?> mapping : all) {
            mapping.register(routing);
        }
        routing.error(ProblemException.class, (req, res, e) -> send(res, e.toProblem(req.path().path())));
        routing.error(JacksonRuntimeException.class, (req, res, e) -> send(res, Problem.of("malformed-json",
                "Bad request", 400, malformedJson(e), req.path().path())));
        routing.error(HttpException.class, (req, res, e) -> {
            int code = e.status().code();
            if (code >= 500) {
                LOG.log(Level.ERROR, "Failure on " + req.prologue().method() + " " + req.path().path(), e);
            }
            String detail = code >= 500 ? "The server failed unexpectedly; the failure is in its log."
                                        : Text.printable(e.getMessage() == null ? e.status().reasonPhrase()
                                                                                : e.getMessage(), 300);
            send(res, Problem.of("http-" + code, e.status().reasonPhrase(), code, detail, req.path().path()));
        });
        routing.error(Exception.class, (req, res, e) -> {
            var fault = ClientFaults.of(e, req.path().path());
            if (fault.isPresent()) {
                LOG.log(Level.DEBUG, "Client fault on " + req.path().path(), e);
                if (fault.get().close()) {
                    res.header(HeaderNames.CONNECTION, "close");
                }
                send(res, fault.get().problem());
                if (fault.get().close()) {
                    // a header alone does not end Helidon's connection: it would parse the rest of the broken
                    // body as the next request (a second response, or a smuggled request answered)
                    throw new CloseConnectionException("The request body's framing is broken");
                }
                return;
            }
            LOG.log(Level.ERROR, "Unexpected failure on " + req.prologue().method() + " " + req.path().path(), e);
            send(res, Problem.of("internal", "Internal server error", 500,
                    "The server failed unexpectedly; the failure is in its log.", req.path().path()));
        });
    }

    /** What is wrong with a body Jackson could not read, without Jackson's class names. */
    static String malformedJson(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JacksonException jackson) {
                return "The body is not valid JSON: " + Json.describe(jackson)
                        + (jackson.getLocation() == null ? "" : " (line " + jackson.getLocation().getLineNr()
                        + ", column " + jackson.getLocation().getColumnNr() + ")") + ".";
            }
        }
        return "The body is not valid JSON.";
    }

    /** Sends a problem document with its status. */
    public static void send(ServerResponse res, Problem problem) {
        res.status(problem.status());
        res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        res.send(bytes(problem));
    }

    static byte[] bytes(Problem problem) {
        try {
            return Json.MAPPER.writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
