package io.dockhand.server;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.dockhand.api.Paths;
import io.dockhand.server.databases.Directories;
import io.dockhand.web.Routes;

import io.helidon.http.Method;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document and the route table say the same: every route the store registers is documented, and the
 * document names no route the store does not serve. (Health, metrics and HEAD, which every server has, aside.)
 */
class OpenApiDocumentTest {

    @Test
    @SuppressWarnings("unchecked")
    void documentsExactlyTheRoutesTheStoreServes() throws Exception {
        Path dir = Files.createTempDirectory("dockhand-openapi");
        Set<String> served = new TreeSet<>();
        try (StoreServer store = StoreServer.start(StoreServerExtension.config(Map.of("dir", dir.toString())))) {
            for (Routes.Route route : store.routes()) {
                if (!route.method().equals(Method.HEAD) && !route.template().startsWith(Paths.OBSERVE)) {
                    served.add(route.method().text().toLowerCase(Locale.ROOT) + " " + route.template());
                }
            }
        } finally {
            Directories.deleteTree(dir);
        }
        Set<String> documented = new TreeSet<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/openapi.yaml")) {
            Map<String, Object> document = new Yaml().load(in);
            Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
            paths.forEach((path, methods) -> methods.keySet().forEach(method -> documented.add(method + " " + path)));
        }
        assertThat(documented).isEqualTo(served);
    }
}
