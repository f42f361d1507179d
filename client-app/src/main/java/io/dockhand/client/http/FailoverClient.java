package io.dockhand.client.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sends requests to a service that may run as several replicas. Each configured base URL is resolved to all its
 * addresses; a request that cannot connect, times out or gets a 5xx answer goes to the next address, round after
 * round, until the time budget is spent. A POST carries the caller's {@code Idempotency-Key} on every attempt, so
 * the store keeps it once however many replicas saw it. A POST without a key (a deployment made, updated or rolled
 * back, a task submitted) is not safe to send twice: it gets the whole budget for one attempt, and once it may have
 * reached a replica (anything but a failure to connect) it is not sent again, and the error says its outcome is
 * unknown. Each attempt, body included, ends within the time left and holds at most {@link Exchange#MAX_BODY} bytes.
 */
public final class FailoverClient implements AutoCloseable {
    private static final String RESTRICTED_HEADERS = "jdk.httpclient.allowRestrictedHeaders";
    private static final boolean HOST_HEADER_ALLOWED = allowHostHeader();
    private static final Duration MAX_ATTEMPT = Duration.ofSeconds(10);
    private static final Duration MAX_CONNECT = Duration.ofSeconds(3);
    /** An attempt with less time left would only time out and hide the real reason of the earlier ones. */
    private static final Duration SHORTEST_ATTEMPT = Duration.ofMillis(100);
    private static final Set<Integer> RETRIED_STATUS = Set.of(500, 502, 503, 504);

    private final Duration maxAttempt;
    private final String role;
    private final List<URI> bases;
    private final Duration budget;
    private final Resolver resolver;
    private final String userAgent;
    private final HttpClient http;
    private volatile Target preferred;

    /**
     * A client for one service.
     *
     * @param role      what the service is, for messages ("server", "agent")
     * @param bases     its base URLs, tried in this order
     * @param budget    how long a request may take, retries included
     * @param resolver  how host names become addresses
     * @param userAgent the {@code User-Agent} header
     */
    public FailoverClient(String role, List<URI> bases, Duration budget, Resolver resolver, String userAgent) {
        this(role, bases, budget, MAX_ATTEMPT, resolver, userAgent);
    }

    /** A client whose attempts, but a POST without a key, end after {@code maxAttempt} (tests shorten it). */
    FailoverClient(String role, List<URI> bases, Duration budget, Duration maxAttempt, Resolver resolver,
                   String userAgent) {
        this.maxAttempt = maxAttempt;
        this.role = role;
        this.bases = List.copyOf(bases);
        this.budget = budget;
        this.resolver = resolver;
        this.userAgent = userAgent;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(min(MAX_CONNECT, budget))
                .build();
    }

    /** GET {@code pathAndQuery} (encoded, starting with {@code /}) from any replica. */
    public Response get(String pathAndQuery) throws InterruptedException {
        return send("GET", pathAndQuery, null, null, Map.of(), Duration.ZERO);
    }

    /**
     * GET a long poll: the service may hold the answer up to {@code wait} before it answers, so each attempt, and
     * the whole request, may take that much longer than usual.
     */
    public Response poll(String pathAndQuery, Duration wait) throws InterruptedException {
        return send("GET", pathAndQuery, null, null, Map.of(), wait);
    }

    /** POST a JSON body with an idempotency key that every attempt repeats. */
    public Response post(String path, byte[] json, String idempotencyKey) throws InterruptedException {
        return send("POST", path, json, idempotencyKey, Map.of(), Duration.ZERO);
    }

    /** POST a JSON body with an idempotency key (or none) and more headers, such as {@code Authorization}. */
    public Response post(String path, byte[] json, String idempotencyKey, Map<String, String> headers)
            throws InterruptedException {
        return send("POST", path, json, idempotencyKey, headers, Duration.ZERO);
    }

    /** PUT a JSON body (an idempotent replacement, so retried as a GET is) with more headers. */
    public Response put(String path, byte[] json, Map<String, String> headers) throws InterruptedException {
        return send("PUT", path, json, null, headers, Duration.ZERO);
    }

    /** DELETE (idempotent, so retried as a GET is) with more headers, such as {@code Authorization}. */
    public Response delete(String path, Map<String, String> headers) throws InterruptedException {
        return send("DELETE", path, null, null, headers, Duration.ZERO);
    }

    private Response send(String method, String path, byte[] body, String key, Map<String, String> headers,
                          Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos() + wait.toNanos();
        Failures failures = new Failures();
        for (int round = 0; ; round++) {
            for (Resolution slot : ordered(resolve())) {
                long left = deadline - System.nanoTime();
                if (left < SHORTEST_ATTEMPT.toNanos()) {
                    break;
                }
                if (slot.error() != null) {
                    failures.unresolved(slot.base() + path, slot.error());
                    continue;
                }
                Duration timeout = Duration.ofNanos(once(method, key) ? left
                        : Math.min(left, maxAttempt.toNanos() + wait.toNanos()));
                Response response = attempt(slot.targets().getFirst(), method, path, body, key, headers, timeout,
                                            failures);
                if (response != null) {
                    return response;
                }
            }
            long left = deadline - System.nanoTime() - SHORTEST_ATTEMPT.toNanos();
            if (left <= 0) {
                break;
            }
            long backoff = Math.min(2000, 200L << Math.min(round, 4));
            Thread.sleep(Math.min(backoff, Math.max(1, left / 1_000_000)));
        }
        if (failures.serverError != null) {
            throw failures.serverError;
        }
        throw UnreachableException.of(role, method, List.copyOf(failures.tried),
                                      failures.cause + ", gave up after " + text(budget.plus(wait)), failures.error);
    }

    /** One attempt: the answer, or {@code null} after noting why there is none (and the next target is due). */
    private Response attempt(Target target, String method, String path, byte[] body, String key,
                             Map<String, String> headers, Duration timeout, Failures failures)
            throws InterruptedException {
        String url = target.url(path);
        failures.tried.add(target.describe(path));
        try {
            HttpResponse<byte[]> answer = Exchange.send(http, request(target, method, path, body, key, timeout)
                    .apply(headers), timeout);
            if (RETRIED_STATUS.contains(answer.statusCode())) {
                failures.serverError = ProblemException.of(answer.statusCode(), answer.body(), method, url);
                return null;
            }
            preferred = target;
            if (answer.statusCode() >= 400) {
                throw ProblemException.of(answer.statusCode(), answer.body(), method, url);
            }
            return new Response(answer.statusCode(), answer.body(), method, url);
        } catch (Exchange.TooLargeException e) {
            throw ProblemException.tooLarge(e, method, url);
        } catch (IOException e) {
            if (once(method, key) && !unsent(e)) {
                throw new UnreachableException("no answer from the " + role + ": " + Reasons.of(e) + " (" + method
                        + " " + url + "); it may have been carried out, so it was not sent again: look before"
                        + " repeating it", e);
            }
            failures.failed(Reasons.of(e), e);
            return null;
        }
    }

    /** Whether a request must not be sent twice: a POST without an idempotency key. */
    private static boolean once(String method, String key) {
        return "POST".equals(method) && key == null;
    }

    /** Whether {@code error} says the request never left: no connection was made. */
    private static boolean unsent(IOException error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException || t instanceof ConnectException
                    || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    /** What went wrong so far with one request; the last failure is the one reported. */
    private static final class Failures {
        private final Set<String> tried = new LinkedHashSet<>();
        private String cause = "no address to try";
        private Throwable error;
        private ProblemException serverError;

        void unresolved(String url, String why) {
            tried.add(url);
            failed(why, null);
        }

        void failed(String why, Throwable thrown) {
            cause = why;
            error = thrown;
            serverError = null;
        }
    }

    /**
     * Sends one GET to one target, with no retry; for reports on each address.
     *
     * @throws IOException        when the target does not answer
     * @throws ProblemException when it answers with an error
     */
    public Response probe(Target target, String path, Duration timeout) throws IOException, InterruptedException {
        Duration limit = min(timeout, budget);
        HttpResponse<byte[]> answer;
        try {
            answer = Exchange.send(http, request(target, "GET", path, null, null, limit).build(), limit);
        } catch (Exchange.TooLargeException e) {
            throw ProblemException.tooLarge(e, "GET", target.url(path));
        }
        if (answer.statusCode() >= 400) {
            throw ProblemException.of(answer.statusCode(), answer.body(), "GET", target.url(path));
        }
        return new Response(answer.statusCode(), answer.body(), "GET", target.url(path));
    }

    /** Each base URL with the targets it resolves to now, or why it resolves to none. */
    public List<Resolution> resolve() {
        List<Resolution> resolutions = new ArrayList<>();
        for (URI base : bases) {
            String host = base.getHost();
            if (!"http".equalsIgnoreCase(base.getScheme()) || !HOST_HEADER_ALLOWED || isLiteral(host)) {
                resolutions.add(new Resolution(base, List.of(new Target(base, null)), null));
                continue;
            }
            try {
                List<Target> targets = new ArrayList<>();
                for (InetAddress address : resolver.resolve(host)) {
                    targets.add(new Target(base, address));
                }
                resolutions.add(new Resolution(base, targets, null));
            } catch (UnknownHostException e) {
                resolutions.add(new Resolution(base, List.of(), "unknown host " + host));
            }
        }
        return resolutions;
    }

    /** One slot per target (or per base URL that did not resolve), in order, the last one that answered first. */
    private List<Resolution> ordered(List<Resolution> resolutions) {
        List<Resolution> slots = new ArrayList<>();
        Target first = preferred;
        for (Resolution resolution : resolutions) {
            if (resolution.error() != null) {
                slots.add(resolution);
            }
            for (Target target : resolution.targets()) {
                Resolution slot = new Resolution(resolution.base(), List.of(target), null);
                if (target.equals(first)) {
                    slots.addFirst(slot);
                } else {
                    slots.add(slot);
                }
            }
        }
        return slots;
    }

    private Request request(Target target, String method, String path, byte[] body, String key,
                            Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target.uri(path))
                .timeout(timeout)
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", userAgent);
        if (target.hostHeader() != null) {
            builder.header("Host", target.hostHeader());
        }
        if (key != null) {
            builder.header("Idempotency-Key", key);
        }
        if (body == null) {
            return new Request(builder.method(method, HttpRequest.BodyPublishers.noBody()));
        }
        return new Request(builder.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A request being built: more headers can still be added. */
    record Request(HttpRequest.Builder builder) {
        HttpRequest build() {
            return builder.build();
        }

        HttpRequest apply(Map<String, String> headers) {
            headers.forEach(builder::setHeader);
            return builder.build();
        }
    }

    /** The base URLs' targets, in the order requests try them (the last one that answered first). */
    List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        for (Resolution slot : ordered(resolve())) {
            targets.addAll(slot.targets());
        }
        return targets;
    }

    /** Remembers the target that answered, to be tried first next time. */
    void answered(Target target) {
        preferred = target;
    }

    /** A request to {@code target} with this client's common headers (and no timeout: the caller watches time). */
    HttpRequest.Builder streamRequest(Target target, String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target.uri(pathAndQuery)).header("User-Agent", userAgent);
        if (target.hostHeader() != null) {
            builder.header("Host", target.hostHeader());
        }
        return builder;
    }

    HttpClient http() {
        return http;
    }

    String role() {
        return role;
    }

    Duration budget() {
        return budget;
    }

    private static boolean isLiteral(String host) {
        return host == null || host.startsWith("[") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** A duration as people write it: {@code 15s}, {@code 500ms}, {@code 2m}. */
    public static String text(Duration duration) {
        if (duration.toMillis() % 1000 != 0) {
            return duration.toMillis() + "ms";
        }
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 && seconds > 0 ? seconds / 60 + "m" : seconds + "s";
    }

    /**
     * Lets requests name the replica's host in {@code Host} while connecting to one of its addresses. The JDK's
     * client reads this setting once, when it is first used; if something used it earlier without the setting,
     * requests go to the host name and the JDK picks the address.
     */
    private static boolean allowHostHeader() {
        String allowed = System.getProperty(RESTRICTED_HEADERS, "");
        if (!java.util.Arrays.asList(allowed.toLowerCase(java.util.Locale.ROOT).split("\\s*,\\s*")).contains("host")) {
            System.setProperty(RESTRICTED_HEADERS, allowed.isBlank() ? "host" : allowed + ",host");
        }
        try {
            HttpRequest.newBuilder(URI.create("http://localhost/")).header("Host", "localhost");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
    }

    /**
     * A base URL and what it resolved to.
     *
     * @param base    the configured base URL
     * @param targets its addresses, empty when it did not resolve
     * @param error   why it did not resolve, or {@code null}
     */
    public record Resolution(URI base, List<Target> targets, String error) {
    }
}
