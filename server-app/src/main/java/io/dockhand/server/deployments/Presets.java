package io.dockhand.server.deployments;

import java.util.List;

import io.dockhand.api.Manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Dockerfile an app of lang node, python or static is built with: Debian packages on {@code BASE_IMAGE}
 * (the agent passes the image the project builds offline), the repository in {@code /app}, the manifest's
 * {@code run} as {@code sh -c}, its port exposed, a non-root user, and curl for the service's health check.
 * <p>
 * Every preset has {@code tini -g} as its entrypoint: {@code sh -c} does not pass SIGTERM on, and an app that is
 * PID 1 ignores it unless it handles it, so without an init each replica a rolling update stops would wait out
 * Docker's 10 s before it is killed; tini sends the signal to the whole process group. Static sites are served by
 * BusyBox's httpd: one 1 MB Debian package, no configuration file, fine as a non-root user on any port; Python's
 * {@code http.server} would bring 30 MB of Python for a server its documentation calls unfit for production, and
 * nginx needs a configuration and writable temp and pid paths to run unprivileged.
 */
public final class Presets {
    /** The build argument that names the base image. */
    public static final String BASE_IMAGE_ARG = "BASE_IMAGE";
    /** The base image when the build passes none. */
    public static final String DEFAULT_BASE_IMAGE = "debian:bookworm-slim";
    /** The user id the app runs as. */
    public static final int UID = 10001;
    /** The packages every preset installs (the health check runs curl in the container). */
    static final String COMMON_PACKAGES = "ca-certificates curl tini";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Presets() {
    }

    /**
     * The Dockerfile for this configuration's lang, or null for {@code custom} (the repository's own).
     *
     * @throws IllegalArgumentException for a lang that is none of {@link Manifest#LANGS}
     */
    public static String dockerfile(Manifest.Config config) {
        return switch (config.lang()) {
            case "node" -> node(config);
            case "python" -> python(config);
            case "static" -> statik(config);
            case "custom" -> null;
            default -> throw new IllegalArgumentException("no preset for lang " + config.lang());
        };
    }

    private static String node(Manifest.Config config) {
        // npm only when package.json has dependencies: Debian's npm is 300 packages and needs the npm registry.
        return head("node", "Debian's Node.js", "nodejs") + """
                RUN rm -rf .git \\
                 && if [ -f package.json ]; then \\
                      node -e 'let p; try { p = require("./package.json"); } \\
                        catch (e) { console.error("package.json: " + e.message); process.exit(2); } \\
                        process.exit(Object.keys(p.dependencies || {}).length ? 0 : 1)'; \\
                      deps=$?; [ "$deps" -le 1 ] || exit 1; \\
                      if [ "$deps" = 0 ]; then \\
                        apt-get update \\
                        && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm \\
                        && rm -rf /var/lib/apt/lists/* \\
                        && if [ -f package-lock.json ]; then npm ci --omit=dev --no-audit --no-fund; \\
                           else npm install --omit=dev --no-audit --no-fund; fi \\
                        && rm -rf /root/.npm; \\
                      fi; \\
                    fi
                ENV NODE_ENV=production
                """ + tail(config, config.run());
    }

    private static String python(Manifest.Config config) {
        // A virtual environment only when requirements.txt names something: pip needs the package index.
        return head("python", "Debian's Python 3", "python3") + """
                RUN rm -rf .git \\
                 && if [ -f requirements.txt ] && grep -qvE '^[[:space:]]*(#|$)' requirements.txt; then \\
                      apt-get update \\
                      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv \\
                      && rm -rf /var/lib/apt/lists/* \\
                      && python3 -m venv /opt/venv \\
                      && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt; \\
                    fi
                ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
                    PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
                """ + tail(config, config.run());
    }

    private static String statik(Manifest.Config config) {
        String run = config.run() != null && !config.run().isBlank() ? config.run()
                : "busybox httpd -f -v -p " + config.port() + " -h /app";
        return head("static", "BusyBox's httpd serving the repository's files", "busybox") + """
                RUN rm -rf .git
                """ + tail(config, run);
    }

    private static String head(String lang, String what, String packages) {
        return "# Dockhand's preset for lang " + lang + ": " + what + ", the repository in /app, run as user "
                + UID + ".\n"
                + "ARG " + BASE_IMAGE_ARG + "=" + DEFAULT_BASE_IMAGE + "\n"
                + "FROM ${" + BASE_IMAGE_ARG + "}\n"
                + "RUN apt-get update \\\n"
                + " && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends " + packages + " "
                + COMMON_PACKAGES + " \\\n"
                + " && rm -rf /var/lib/apt/lists/* \\\n"
                + " && useradd --system --uid " + UID + " --user-group --home-dir /app --no-create-home app \\\n"
                + " && install -d -o " + UID + " -g " + UID + " /app\n"
                + "WORKDIR /app\n"
                + "COPY --chown=" + UID + ":" + UID + " . /app\n";
    }

    private static String tail(Manifest.Config config, String run) {
        try {
            return "ENV PORT=" + config.port() + "\n"
                    + "USER " + UID + ":" + UID + "\n"
                    + "EXPOSE " + config.port() + "\n"
                    + "ENTRYPOINT [\"tini\", \"-g\", \"--\"]\n"
                    + "CMD " + JSON.writeValueAsString(List.of("sh", "-c", run)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
