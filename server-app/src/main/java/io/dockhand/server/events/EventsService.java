package io.dockhand.server.events;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.dockhand.api.Paths;
import io.dockhand.web.Routes;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code GET /api/v1/events}: the {@link ChangeFeed}'s notices as Server-Sent Events ({@code event: change}, data
 * {@code {"topics":[...],"runs":[...],"resync":false}}), a keep-alive comment every 5 s. A browser's
 * {@code EventSource} reconnects by itself with {@code Last-Event-ID}: the notices it missed follow, or one resync
 * notice naming every topic when this replica no longer has them. Reading needs no token. The number of open
 * streams is the gauge {@code dockhand_events_subscribers}.
 */
public final class EventsService implements Routes.Resource {
    /**
     * A stream whose browser has gone is seen only when a write fails: the first write after the end still goes
     * into the socket, the second fails. With one every 5 s, the stream of a dashboard gone (a virtual thread, a
     * connection) lasts about 10 s at most.
     */
    private static final long KEEP_ALIVE_MILLIS = 5_000;
    private final ChangeFeed feed;

    public EventsService(ChangeFeed feed, MeterRegistry meters) {
        this.feed = feed;
        Gauge.builder("dockhand.events.subscribers", feed, ChangeFeed::subscribers)
                .description("Open streams of GET /api/v1/events (a dashboard tab holds one while on view)")
                .register(meters);
    }

    @Override
    public void routes(Routes routes) {
        routes.get(Paths.EVENTS, this::events);
    }

    private void events(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("X-Accel-Buffering", "no");
        if (Method.HEAD.equals(req.prologue().method())) {
            res.send();
            return;
        }
        Optional<Long> resumeFrom = req.headers().first(HeaderNames.create("Last-Event-ID"))
                .or(() -> req.query().first("lastEventId").asOptional())
                .flatMap(this::ownNumber);
        boolean resync = req.headers().contains(HeaderNames.create("Last-Event-ID")) && resumeFrom.isEmpty();
        feed.subscribe();
        try (OutputStream out = res.outputStream()) {
            long cursor = resumeFrom.orElse(feed.latest());
            write(out, "retry: 2000\n: dockhand events\n\n");
            if (resync) {
                write(out, event(cursor, ChangeFeed.notice(ChangeFeed.TOPICS, Set.of(), true)));
            } else if (resumeFrom.isEmpty()) {
                // gives the browser an id to come back with, should it lose the stream before the first change
                write(out, "id: " + feed.replica() + "." + cursor + "\nevent: hello\ndata: {}\n\n");
            }
            while (!feed.closed()) {
                List<ChangeFeed.Notice> notices = feed.after(cursor, KEEP_ALIVE_MILLIS);
                if (notices == null) {
                    cursor = feed.latest();
                    write(out, event(cursor, ChangeFeed.notice(ChangeFeed.TOPICS, Set.of(), true)));
                } else if (notices.isEmpty()) {
                    write(out, ": keep-alive\n\n");
                } else {
                    StringBuilder text = new StringBuilder();
                    for (ChangeFeed.Notice notice : notices) {
                        text.append(event(notice.n(), notice.json()));
                        cursor = notice.n();
                    }
                    write(out, text.toString());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // the browser went away; its EventSource comes back with Last-Event-ID if it still wants to
        } finally {
            feed.unsubscribe();
        }
    }

    /** The notice number of an id this replica gave, else empty. */
    private Optional<Long> ownNumber(String id) {
        String prefix = feed.replica() + ".";
        if (!id.startsWith(prefix)) {
            return Optional.empty();
        }
        try {
            long n = Long.parseLong(id.substring(prefix.length()));
            return n >= 0 && n <= feed.latest() ? Optional.of(n) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private String event(long n, String json) {
        return "id: " + feed.replica() + "." + n + "\nevent: change\ndata: " + json + "\n\n";
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
