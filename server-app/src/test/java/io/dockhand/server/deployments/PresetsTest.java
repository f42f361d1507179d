package io.dockhand.server.deployments;

import java.util.Map;

import io.dockhand.api.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class PresetsTest {

    private static Manifest.Config config(String lang, String run) {
        return new Manifest.Config(8080, lang, run, Map.of(), 1, "/", 0, 0, 8080);
    }

    @ParameterizedTest
    @ValueSource(strings = {"node", "python", "static"})
    void buildsOnTheBaseImageArgumentAsANonRootUserWithCurl(String lang) {
        String dockerfile = Presets.dockerfile(config(lang, "run-it"));

        assertThat(dockerfile).contains("ARG BASE_IMAGE=debian:bookworm-slim\nFROM ${BASE_IMAGE}\n",
                "apt-get install -y --no-install-recommends ", " curl ", "\nWORKDIR /app\n",
                "COPY --chown=10001:10001 . /app\n",
                "\nUSER 10001:10001\n", "\nEXPOSE 8080\n", "\nENTRYPOINT [\"tini\", \"-g\", \"--\"]\n",
                "\nCMD [\"sh\",\"-c\",\"run-it\"]\n");
        assertThat(dockerfile.indexOf("USER ")).isGreaterThan(dockerfile.lastIndexOf("RUN "));
    }

    @Test
    void writesTheRunCommandAsOneJsonString() {
        String dockerfile = Presets.dockerfile(config("python", "cd src && exec python3 \"app.py\" --say 'hi'\n"));

        assertThat(dockerfile).endsWith(
                "CMD [\"sh\",\"-c\",\"cd src && exec python3 \\\"app.py\\\" --say 'hi'\\n\"]\n");
    }

    @Test
    void servesAStaticSiteWithBusyboxUnlessRunSaysOtherwise() {
        assertThat(Presets.dockerfile(config("static", null)))
                .contains("install -y --no-install-recommends busybox ")
                .endsWith("CMD [\"sh\",\"-c\",\"busybox httpd -f -v -p 8080 -h /app\"]\n");
        assertThat(Presets.dockerfile(config("static", "busybox httpd -f -p 8080 -h /app/public")))
                .endsWith("CMD [\"sh\",\"-c\",\"busybox httpd -f -p 8080 -h /app/public\"]\n");
    }

    @Test
    void installsDependenciesOnlyWhenTheAppNamesSome() {
        assertThat(Presets.dockerfile(config("node", "node server.js")))
                .contains("Object.keys(p.dependencies || {}).length", "npm install --omit=dev");
        assertThat(Presets.dockerfile(config("python", "python3 app.py")))
                .contains("grep -qvE '^[[:space:]]*(#|$)' requirements.txt", "pip install --no-cache-dir -r");
    }

    @Test
    void leavesACustomAppToItsOwnDockerfile() {
        assertThat(Presets.dockerfile(config("custom", null))).isNull();
    }
}
