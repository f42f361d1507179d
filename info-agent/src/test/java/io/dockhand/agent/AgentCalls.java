package io.dockhand.agent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;

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

    /** An answer: status, raw body and, when it is JSON, the parsed body. */
    record Answer(int status, String body, long millis) {
        Map<String, Object> json() {
            try {
                return Json.MAPPER.readValue(body, new TypeReference<>() { });
            } catch (Exception e) {
                throw new AssertionError("Not JSON (" + status + "): " + body, e);
            }
        }
    }

    /** GET from inside a container, through its network's gateway. */
    Answer fromContainer(String container, String path, String token) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-m", "10", "-w", "\n%{http_code} %{time_total}"));
        if (token != null) {
            command.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        command.add("http://" + gateway + ":" + port + path);
        String out = docker.exec(container, command.toArray(String[]::new));
        int lastLine = out.lastIndexOf('\n');
        String[] tail = out.substring(lastLine + 1).trim().split(" ");
        return new Answer(Integer.parseInt(tail[0]), out.substring(0, lastLine),
                Math.round(Double.parseDouble(tail[1]) * 1000));
    }

    /** GET from the host (loopback), which is not a container. */
    Answer fromHost(String path, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        long start = System.nanoTime();
        HttpResponse<String> response = host.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), (System.nanoTime() - start) / 1_000_000);
    }
}
