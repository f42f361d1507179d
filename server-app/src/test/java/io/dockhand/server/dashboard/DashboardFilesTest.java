package io.dockhand.server.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's files as the page loads them. */
class DashboardFilesTest {
    private static final Path DIR = Path.of("src", "main", "resources", "dashboard");

    /**
     * index.html preloads every module app.js imports (directly or not), so the browser fetches them at once rather
     * than level by level as it finds the imports; a module left out of the list still works, only later, so nothing
     * else would notice it.
     */
    @Test
    void everyModuleIsPreloaded() throws IOException {
        List<String> modules;
        try (Stream<Path> files = Files.list(DIR)) {
            modules = files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".js") && !name.equals("app.js")).sorted().toList();
        }
        Matcher preload = Pattern.compile("<link rel=\"modulepreload\" href=\"/dashboard/([^\"]+)\">")
                .matcher(Files.readString(DIR.resolve("index.html")));
        List<String> preloaded = preload.results().map(m -> m.group(1)).sorted().toList();
        assertThat(modules).as("the dashboard's modules besides app.js").isNotEmpty();
        assertThat(preloaded).as("modulepreload links in index.html").isEqualTo(modules);
    }
}
