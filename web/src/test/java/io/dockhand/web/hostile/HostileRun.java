package io.dockhand.web.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dockhand.web.Json;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Sends hostile cases to a running server, one connection each, and checks each answer: no status of 500 or more,
 * a problem document on every error, an answer (or a close) within the deadline. Collects what went wrong rather
 * than stopping at the first, and the figures for a one-line summary.
 */
public final class HostileRun {
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3}) [^\\r\\n]*\\r\\n");
    private final int port;
    private final int deadlineMillis;
    private final Map<String, Integer> histogram = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();
    private long maxMillis;
    private String slowest = "";
    private int cases;

    public HostileRun(int port, int deadlineMillis) {
        this.port = port;
        this.deadlineMillis = deadlineMillis;
    }

    /** Runs every case. */
    public HostileRun run(List<HostileCases.Case> all) {
        all.forEach(this::run);
        return this;
    }

    private void run(HostileCases.Case hostile) {
        cases++;
        long start = System.nanoTime();
        byte[] answer;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(deadlineMillis);
            try {
                socket.getOutputStream().write(hostile.bytes());
                socket.shutdownOutput();
            } catch (IOException refusedEarly) {
                // the server answered and closed before reading everything: its answer is still there to read
            }
            answer = readUntilClosed(socket.getInputStream(), start);
        } catch (SocketTimeoutException hang) {
            failures.add(hostile.name() + ": no answer or close within " + deadlineMillis + " ms (a hang)");
            count("hang");
            return;
        } catch (IOException e) {
            answer = null;
            count("reset");
            failures.add(hostile.name() + ": connection failed without an answer: " + e);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (millis > maxMillis) {
            maxMillis = millis;
            slowest = hostile.name();
        }
        if (answer != null) {
            check(hostile.name(), new String(answer, StandardCharsets.ISO_8859_1),
                  new String(hostile.bytes(), 0, Math.min(5, hostile.bytes().length), StandardCharsets.ISO_8859_1)
                          .equals("HEAD "));
        }
    }

    private byte[] readUntilClosed(InputStream in, long start) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (isEventStream(out.toString(StandardCharsets.ISO_8859_1))) {
                // a stream of Server-Sent Events answered: it is meant to last as long as the reader stays
                return out.toByteArray();
            }
            if ((System.nanoTime() - start) / 1_000_000 > deadlineMillis) {
                throw new SocketTimeoutException("still sending after the deadline");
            }
        }
        return out.toByteArray();
    }

    /** Whether the head of a 200 answer is complete and says the body is a stream of Server-Sent Events. */
    static boolean isEventStream(String answer) {
        int end = answer.indexOf("\r\n\r\n");
        if (end < 0 || !answer.startsWith("HTTP/1.1 200")) {
            return false;
        }
        return answer.substring(0, end).toLowerCase(java.util.Locale.ROOT).contains("content-type: text/event-stream");
    }

    /** Checks one answer; an answer to {@code HEAD} has the problem's headers and, as HTTP says, no body. */
    private void check(String name, String answer, boolean head) {
        Matcher status = STATUS.matcher(answer);
        if (!status.lookingAt()) {
            count(answer.isEmpty() ? "closed" : "garbage");
            if (!answer.isEmpty()) {
                failures.add(name + ": not an HTTP/1.1 response: " + answer.substring(0, Math.min(80, answer.length())));
            }
            return;
        }
        int code = Integer.parseInt(status.group(1));
        count(Integer.toString(code));
        int headersEnd = answer.indexOf("\r\n\r\n");
        String headers = headersEnd < 0 ? answer : answer.substring(0, headersEnd).toLowerCase(java.util.Locale.ROOT);
        if (code >= 500) {
            failures.add(name + ": " + code);
        }
        if (code >= 400 && !headers.contains("content-type: application/problem+json")) {
            failures.add(name + ": " + code + " without a problem document");
        } else if (code >= 400 && head && code != 414) {
            // (a 414 answers a request line too long to read: its method is not known, so it gets the body)
            String rest = headersEnd < 0 ? "" : answer.substring(headersEnd + 4);
            if (!rest.isEmpty() && !STATUS.matcher(rest).lookingAt()) {
                failures.add(name + ": a body on the wire after a HEAD answer");
            }
        } else if (code >= 400) {
            Matcher length = Pattern.compile("content-length: (\\d+)").matcher(headers);
            String body = answer.substring(headersEnd + 4);
            if (length.find()) {
                body = body.substring(0, Math.min(body.length(), Integer.parseInt(length.group(1))));
            }
            try {
                JsonNode problem = Json.MAPPER.readTree(body);
                if (problem.path("status").asInt() != code || !problem.path("type").asText().startsWith("/problems/")) {
                    failures.add(name + ": problem does not match its status: " + body);
                }
                if (body.contains("\tat ") || body.contains("Exception")) {
                    failures.add(name + ": internals in the problem: " + body);
                }
            } catch (IOException e) {
                failures.add(name + ": " + code + " body is not a problem document: " + body);
            }
        }
        Matcher more = STATUS.matcher(answer);
        while (more.find()) {
            if (Integer.parseInt(more.group(1)) >= 500) {
                failures.add(name + ": a later response on the connection is " + more.group(1));
            }
        }
    }

    private void count(String key) {
        histogram.merge(key, 1, Integer::sum);
    }

    public List<String> failures() {
        return failures;
    }

    public int cases() {
        return cases;
    }

    public long maxMillis() {
        return maxMillis;
    }

    /** cases, status histogram, the slowest case. */
    public String summary(String server) {
        return "hostile " + server + ": " + cases + " cases, statuses " + histogram + ", max latency " + maxMillis
                + " ms (" + slowest + "), " + failures.size() + " failures";
    }

    /** This process's resident set size in KiB, from /proc (0 where there is none). */
    public static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
