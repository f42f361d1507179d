package io.dockhand.agent.work;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.dockhand.web.Json;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The registry's HTTP API (Docker Registry v2), for what the engine does not do: listing a repository's tags and
 * deleting manifests, which is how a deployment's old images (retention) and a destroyed deployment's images leave
 * the registry; the registry's garbage collection then reclaims their layers. The registry is the stack's, reached
 * without TLS or authentication at the host of the repository's name ({@code 127.0.0.1:5000/dockhand/app}).
 */
final class RegistryClient {

    /** What a HEAD of a manifest accepts: the digest it answers is the one the engine pushed. */
    private static final String MANIFESTS = String.join(", ",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json");

    private final HttpClient http;
    private final Duration timeout;

    RegistryClient(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The registry's host and the repository's path in it, from {@code host:port/path}. */
    record Repository(String host, String path) {
        static Repository of(String name) {
            int slash = name.indexOf('/');
            if (slash <= 0 || slash == name.length() - 1) {
                throw new IllegalArgumentException("Not a repository in a registry: " + name);
            }
            return new Repository(name.substring(0, slash), name.substring(slash + 1));
        }

        URI uri(String rest) {
            return URI.create("http://" + host + "/v2/" + path + rest);
        }
    }

    /** The registry failed a request, or could not be reached. */
    static final class RegistryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RegistryException(String message) {
            super(message, null, false, false);
        }
    }

    /** The repository's tags; none when the registry does not know the repository. */
    List<String> tags(String repository) {
        Repository repo = Repository.of(repository);
        HttpResponse<byte[]> answer = send(HttpRequest.newBuilder(repo.uri("/tags/list")).GET());
        if (answer.statusCode() == 404) {
            return List.of();
        }
        check(answer, "list the tags of " + repository);
        try {
            JsonNode tags = Json.MAPPER.readTree(answer.body()).path("tags");
            List<String> result = new ArrayList<>();
            tags.forEach(tag -> result.add(tag.asText()));
            return result;
        } catch (IOException e) {
            throw new RegistryException("the registry's tag list of " + repository + " is unreadable: " + e.getMessage());
        }
    }

    /** The digest of a tag's manifest; empty when the tag is not there. */
    Optional<String> digest(String repository, String tag) {
        Repository repo = Repository.of(repository);
        HttpResponse<byte[]> answer = send(HttpRequest.newBuilder(repo.uri("/manifests/" + tag))
                .header("Accept", MANIFESTS).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        check(answer, "find the digest of " + repository + ":" + tag);
        return answer.headers().firstValue("Docker-Content-Digest");
    }

    /** Deletes a manifest (every tag that names it goes with it); false when it was not there. */
    boolean delete(String repository, String digest) {
        Repository repo = Repository.of(repository);
        HttpResponse<byte[]> answer = send(HttpRequest.newBuilder(repo.uri("/manifests/" + digest)).DELETE());
        if (answer.statusCode() == 404) {
            return false;
        }
        check(answer, "delete " + repository + "@" + digest);
        return true;
    }

    /**
     * Deletes the manifests of the tags not kept. A manifest a kept tag names too stays.
     *
     * @return the tags whose manifests were deleted
     */
    List<String> retain(String repository, List<String> keep) {
        Set<String> kept = new HashSet<>(keep == null ? List.of() : keep);
        List<String> tags = tags(repository);
        Set<String> keptDigests = new HashSet<>();
        for (String tag : tags) {
            if (kept.contains(tag)) {
                digest(repository, tag).ifPresent(keptDigests::add);
            }
        }
        List<String> deleted = new ArrayList<>();
        for (String tag : tags) {
            if (kept.contains(tag)) {
                continue;
            }
            Optional<String> digest = digest(repository, tag);
            if (digest.isPresent() && !keptDigests.contains(digest.get())) {
                delete(repository, digest.get());
                deleted.add(tag);
            }
        }
        return deleted;
    }

    /** Deletes every tagged manifest of the repository; returns the tags that were there. */
    List<String> deleteAll(String repository) {
        List<String> tags = tags(repository);
        for (String tag : tags) {
            digest(repository, tag).ifPresent(digest -> delete(repository, digest));
        }
        return tags;
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(timeout).build();
        try {
            return http.send(built, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new RegistryException("the registry at " + built.uri().getAuthority() + " did not answer "
                    + built.method() + " " + built.uri().getPath() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while asking the registry");
        }
    }

    private static void check(HttpResponse<byte[]> answer, String what) {
        if (answer.statusCode() / 100 != 2) {
            String body = new String(answer.body(), 0, Math.min(answer.body().length, 300),
                                     java.nio.charset.StandardCharsets.UTF_8).strip();
            throw new RegistryException("the registry refused to " + what + ": " + answer.statusCode()
                    + (body.isEmpty() ? "" : " " + body));
        }
    }
}
