package io.dockhand.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Requests of the work protocol for tests: with or without the cluster token, tars and zips built in memory. */
final class WorkClient {
    final Http http;
    final String token;

    WorkClient(Http http, String token) {
        this.http = http;
        this.token = token;
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(http.base() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    Http.Answer heartbeat(String node, String leasesJson) {
        return heartbeat(node, leasesJson, "worker");
    }

    /** A heartbeat of a node whose agent runs on a swarm {@code role} (worker or manager). */
    Http.Answer heartbeat(String node, String leasesJson, String role) {
        return heartbeat(node, leasesJson, role, null);
    }

    /**
     * A heartbeat that says what the node's deployments' containers use ({@code deploymentsJson}, the
     * {@code deployments} array; null leaves the field out, as an older agent does).
     */
    Http.Answer heartbeat(String node, String leasesJson, String role, String deploymentsJson) {
        String body = """
                {"hostname":"%s-host","role":"%s","address":"10.0.0.9","cpus":4,"memoryBytes":8589934592,
                 "engineVersion":"28.0.1","agentVersion":"0.1.0","labels":{"zone":"a"},"containersRunning":3,
                 "leases":%s%s}""".formatted(node, role, leasesJson == null ? "[]" : leasesJson,
                                              deploymentsJson == null ? "" : ",\"deployments\":" + deploymentsJson);
        return put(Http_NODES + node, body);
    }

    static final String Http_NODES = "/api/v1/nodes/";

    Http.Answer put(String path, String json) {
        return http.send(request(path).header("Content-Type", "application/json")
                                 .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    Http.Answer postJson(String path, String json) {
        return http.send(request(path).header("Content-Type", "application/json")
                                 .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Http.Answer get(String path) {
        return http.send(request(path).GET());
    }

    Http.Answer post(String path) {
        return http.send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    Http.Answer submit(String query, byte[] tar) {
        return http.send(request("/api/v1/runs" + query).header("Content-Type", "application/x-tar")
                                 .POST(HttpRequest.BodyPublishers.ofByteArray(tar)));
    }

    Http.Answer upload(byte[] zip) {
        return http.send(request("/check/upload").POST(HttpRequest.BodyPublishers.ofByteArray(zip)));
    }

    Http.Answer claim(String node, String wait) {
        return post("/api/v1/nodes/" + node + "/claim?wait=" + wait);
    }

    Http.Answer report(String run, String node, int attempt, String state, String extra) {
        return postJson("/api/v1/runs/" + run + "/reports", "{\"node\":\"" + node + "\",\"attempt\":" + attempt
                + ",\"state\":\"" + state + "\"" + (extra == null ? "" : "," + extra) + "}");
    }

    Http.Answer append(String run, String node, int attempt, long seq, String stream, String text) {
        String chunk = "{\"seq\":" + seq + ",\"stream\":\"" + stream + "\",\"text\":"
                + io.dockhand.server.runs.RunsService.json(text) + "}";
        return postJson("/api/v1/runs/" + run + "/logs", "{\"node\":\"" + node + "\",\"attempt\":" + attempt
                + ",\"chunks\":[" + chunk + "]}");
    }

    /** A tar of the files, in order. */
    static byte[] tar(Map<String, String> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (var file : files.entrySet()) {
                byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] context(String marker) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("Dockerfile", "FROM alpine\nCMD echo " + marker + "\n");
        files.put("app/run.sh", "echo " + marker + "\n");
        return tar(files);
    }

    static byte[] zip(Map<String, String> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
