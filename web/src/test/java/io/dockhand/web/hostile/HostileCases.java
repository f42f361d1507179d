package io.dockhand.web.hostile;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.dockhand.web.Routes;

/**
 * Hostile requests generated from a server's own route table, so the next route added is covered without a line
 * here: for every route, odd methods, mutated paths and queries, bad headers and framing, malformed bodies,
 * HTTP/1.0 and raw broken chunked encoding. Each case is the exact bytes to put on a socket.
 */
public final class HostileCases {
    private static final String SAMPLE = "abcdef012345";
    private static final List<String> SEGMENTS = List.of("x".repeat(6000), "%zz%", "%00", "%ff%fe%C0%AF",
            "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..", "\u00fcn\u00efc\u00f8de\u2603", "a%20b", "-1", "0",
            "99999999999999999999999", "%E2%80%AE", "abcdef012345abcdef012345abcdef012345abcdef012345abcdef0123456789");
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
            "TRACE", "CONNECT", "FOO", "get", "G\0T", "GE T", "M".repeat(300));
    private static final List<String> QUERIES = List.of("?limit", "?limit&limit", "?limit=1&limit=2",
            "?cursor", "?a=" + "q".repeat(9000), "?%zz", "?limit=%ff%fe", "?cursor=%E2%98%83",
            "?since=9999-99-99", "?=", "?&&&", "?limit=1e-50000000", "?containerId=" + "f".repeat(70),
            "?scope=vendor", "?name=x&name=y", "?%00=%00");
    private static final List<String> HEADERS = List.of("Content-Type: application/json; charset=\"",
            "Content-Type: APPLICATION/JSON", "Content-Type: text/plain", "Content-Type: application/json;;;=",
            "Content-Type: /", "Content-Type: ", "Accept: application/xml", "Accept: */*;q=\"",
            "X-Big: " + "h".repeat(20000), "Content-Length: 2\r\nContent-Length: 3", "Content-Length: -1",
            "Transfer-Encoding: gzip", "Transfer-Encoding: chunked, chunked", "Transfer-Encoding: identity",
            "Transfer-Encoding: Chunked", "Transfer-Encoding: chunked\r\nContent-Length: 2",
            "Idempotency-Key: " + "k".repeat(300), "Authorization: Bearer \u00ff\u00fe", "Host: ",
            "Host: a\r\nHost: b", "Expect: 100-continue", "Connection: upgrade\r\nUpgrade: h2c",
            "Content-Encoding: gzip", "X-Ctl: a\u0001b", "Bad Header: x", ": empty");
    private static final List<String> BODIES = List.of("{", "{}{}", "[".repeat(5000), "{\"a\":" + "[".repeat(100)
            + "]".repeat(100) + "}", "{\"containerId\":\"abcdef012345\",\"observedAt\":\"2026-01-01T00:00:00Z\","
            + "\"cpuPercent\":1e-50000000}", "{\"containerId\":1e400}", "{\"memoryBytes\":"
            + "9".repeat(5000) + "}", "{\"containerId\":[],\"observedAt\":{}}", "\u0000\u0001\u0002",
            "{\"a\":\"\u0007\"}", "null", "[]", "\"text\"", "{\"a\":1,\"a\":2}", "\u00ef\u00bb\u00bf{}",
            "{\"labels\":{" + "\"k\":\"v\",".repeat(3) + "\"k\":\"v\"}}", "x".repeat(70_000));
    private static final List<String> CHUNKED = List.of("zz\r\n{}\r\n0\r\n\r\n", "-2\r\n{}\r\n0\r\n\r\n",
            "20\r\n{}\r\n0\r\n\r\n", "2\r\n{}0\r\n\r\n", "ffffffffffffffffff\r\n{}\r\n0\r\n\r\n",
            "2;\u0001junk=\r\n{}\r\n0\r\n\r\n", "2\n{}\n0\n\n", "2\r\n{}\r\n", "7fffffff\r\n{}",
            "0\r\nTrailer: x\r\n\r\n", "2\r\n{}\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");

    private HostileCases() {
    }

    /** One generated request: what it tries and its bytes (ISO-8859-1 text; non-Latin-1 characters as UTF-8). */
    public record Case(String name, byte[] bytes) {
    }

    /** Every case for every route. */
    public static List<Case> of(List<Routes.Route> routes) {
        Set<String> templates = new LinkedHashSet<>();
        routes.forEach(route -> templates.add(route.template()));
        List<Case> cases = new ArrayList<>();
        for (Routes.Route route : routes) {
            String method = route.method().text();
            String path = route.template().replaceAll("\\{[^}]+}", SAMPLE);
            for (String other : METHODS) {
                cases.add(request("method " + other, other, path, List.of(), null));
            }
            for (String segment : SEGMENTS) {
                String mutated = route.template().contains("{") ? route.template().replaceAll("\\{[^}]+}", segment)
                                                                : path + "/" + segment;
                cases.add(request("path " + abbreviate(segment), method, mutated, List.of(), null));
            }
            cases.add(request("trailing slash", method, path + "/", List.of(), null));
            cases.add(request("double slash", method, path.replace("/", "//"), List.of(), null));
            cases.add(request("raw traversal", method, path + "/../../../../etc/passwd", List.of(), null));
            for (String query : QUERIES) {
                cases.add(request("query " + abbreviate(query), method, path + query, List.of(), null));
            }
            for (String header : HEADERS) {
                cases.add(request("header " + abbreviate(header), method, path, List.of(header), "{}"));
            }
            for (String body : BODIES) {
                cases.add(request("body " + abbreviate(body), method, path,
                                  List.of("Content-Type: application/json"), body));
            }
            for (String chunks : CHUNKED) {
                cases.add(raw("chunked " + abbreviate(chunks), method + " " + path + " HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks));
            }
            cases.add(raw("HTTP/1.0", method + " " + path + " HTTP/1.0\r\n\r\n"));
            cases.add(raw("HTTP/2.0 line", method + " " + path + " HTTP/2.0\r\n\r\n"));
            cases.add(raw("no version", method + " " + path + "\r\n\r\n"));
            cases.add(raw("body longer than Content-Length", method + " " + path + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 50\r\n\r\n{}"));
        }
        return cases;
    }

    private static Case request(String name, String method, String path, List<String> headers, String body) {
        StringBuilder text = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: x\r\n");
        headers.forEach(header -> text.append(header).append("\r\n"));
        boolean framed = headers.stream().anyMatch(h -> h.startsWith("Content-Length") || h.startsWith("Transfer"));
        if (body != null && !framed) {
            text.append("Content-Length: ").append(utf8Length(body)).append("\r\n");
        }
        text.append("\r\n");
        if (body != null) {
            text.append(body);
        }
        return raw(name, text.toString());
    }

    private static Case raw(String name, String text) {
        return new Case(name, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static int utf8Length(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static String abbreviate(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 37) + "...";
    }
}
