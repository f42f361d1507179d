package io.dockhand.agent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    private final HttpClient host = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AgentCalls(DockerFixture docker, String gateway, int port) {
        this.docker = docker;
        this.gateway = gateway;
        this.port = port;
    }

    /** An answer: status, headers (names in any case), raw body and, when it is JSON, the parsed body. */
    record Answer(int status, Map<String, String> headers, String body, long millis) {
        Map<String, Object> json() {
            try {
                return Json.MAPPER.readValue(body, new TypeReference<>() { });
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
                    .hasValueSatisfying(type -> assertThat(type).startsWith(Problem.MEDIA_TYPE));
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
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        long start = System.nanoTime();
        HttpResponse<String> response = host.send(request.build(), HttpResponse.BodyHandlers.ofString());
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        response.headers().map().forEach((name, values) -> headers.put(name, String.join(", ", values)));
        return new Answer(response.statusCode(), headers, response.body(),
                (System.nanoTime() - start) / 1_000_000);
    }
}
