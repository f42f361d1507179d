package io.dockhand.agent;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.core.type.TypeReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls an agent the way containers do (curl inside them, to their network's gateway) and from the host. */
final class AgentCalls {

    private final DockerFixture docker;
    private final String gateway;
    private final int port;
    private final HttpClient host;

    AgentCalls(DockerFixture docker, String gateway, int port) {
        this.docker = docker;
        this.gateway = gateway;
        this.port = port;
        this.host = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Calls from the host only, from a chosen loopback source address (any of 127.0.0.0/8 on Linux), which is how
     * the agent tells callers apart without Docker.
     */
    AgentCalls(int port, InetAddress source) {
        this.docker = null;
        this.gateway = null;
        this.port = port;
        this.host = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).localAddress(source).build();
    }

    /** An answer: status, headers (names in any case), raw body and, when it is JSON, the parsed body. */
    record Answer(int status, Map<String, String> headers, String body, long millis) {
        Map<String, Object> json() {
            try {
                return io.dockhand.web.Json.MAPPER.readValue(body, new TypeReference<>() { });
            } catch (Exception e) {
                throw new AssertionError("Not JSON (" + status + "): " + body, e);
            }
        }

        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name));
        }

        /** Asserts that this is an RFC 9457 problem with the status, and returns its body. */
        Map<String, Object> assertProblem(int expected) {
            assertThat(status).as(body).isEqualTo(expected);
            assertThat(header("Content-Type")).as("content type of " + body)
                    .hasValueSatisfying(type -> assertThat(type).startsWith(io.dockhand.api.Problem.MEDIA_TYPE));
            Map<String, Object> problem = json();
            assertThat(problem).containsEntry("status", expected)
                    .containsKeys("type", "title", "detail", "instance");
            return problem;
        }
    }

    /** GET from inside a container, through its network's gateway. */
    Answer fromContainer(String container, String path, String token) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-m", "10", "-D", "-",
                "-w", "\n%{http_code} %{time_total}"));
        if (token != null) {
            command.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        command.add("http://" + gateway + ":" + port + path);
        String out = docker.exec(container, command.toArray(String[]::new));
        int endOfHead = out.indexOf("\r\n\r\n");
        String head = endOfHead < 0 ? "" : out.substring(0, endOfHead);
        String rest = endOfHead < 0 ? out : out.substring(endOfHead + 4);
        int lastLine = rest.lastIndexOf('\n');
        String[] tail = rest.substring(lastLine + 1).trim().split(" ");
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return new Answer(Integer.parseInt(tail[0]), headers, rest.substring(0, Math.max(lastLine, 0)),
                Math.round(Double.parseDouble(tail[1]) * 1000));
    }

    /** GET from the host (loopback), which is not a container. */
    Answer fromHost(String path, String token) throws Exception {
        return fromHost("GET", path, token);
    }

    /** Any method, without a body, from the host. */
    Answer fromHost(String method, String path, String token) throws Exception {
        return send(method, path, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
    }

    /** A request with these headers, from the host. */
    Answer send(String method, String path, Map<String, String> extraHeaders) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10));
        extraHeaders.forEach(request::header);
        long start = System.nanoTime();
        HttpResponse<String> response = host.send(request.build(), HttpResponse.BodyHandlers.ofString());
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        response.headers().map().forEach((name, values) -> headers.put(name, String.join(", ", values)));
        return new Answer(response.statusCode(), headers, response.body(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * A GET with the request target sent exactly as given, over a plain socket (java.net.http refuses to send a
     * malformed URI), from the host; the server is asked to close the connection after answering.
     */
    Answer raw(String target) throws Exception {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int headEnd = -1;
            int contentLength = -1;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
                String sofar = received.toString(StandardCharsets.ISO_8859_1);
                if (headEnd < 0) {
                    headEnd = sofar.indexOf("\r\n\r\n");
                    if (headEnd >= 0) {
                        for (String line : sofar.substring(0, headEnd).split("\r\n")) {
                            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                                contentLength = Integer.parseInt(line.substring(15).trim());
                            }
                        }
                    }
                }
                if (headEnd >= 0 && contentLength >= 0 && received.size() >= headEnd + 4 + contentLength) {
                    break;
                }
            }
            String all = received.toString(StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            assertThat(end).as("an HTTP answer to GET " + target + ": " + all).isPositive();
            String[] head = all.substring(0, end).split("\r\n");
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                if (colon > 0) {
                    headers.put(head[i].substring(0, colon).trim(), head[i].substring(colon + 1).trim());
                }
            }
            return new Answer(Integer.parseInt(head[0].split(" ")[1]), headers, all.substring(end + 4),
                    (System.nanoTime() - start) / 1_000_000);
        }
    }
}
