package io.dockhand.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import io.dockhand.api.Version;

/**
 * The name and version a server answers on its version route. The version is the jar's manifest's, or (when
 * another code source defined the package first, as test classes do) the one Maven records in
 * {@code pom.properties}; {@code dev} outside a jar.
 */
final class VersionResource implements Routes.Resource {
    private final String path;
    private final Version version;

    VersionResource(String path, String name, Class<?> anchor, String artifactId) {
        this.path = path;
        this.version = new Version(name, version(anchor, artifactId));
    }

    @Override
    public void routes(Routes routes) {
        routes.get(path, (req, res) -> res.send(version));
    }

    static String version(Class<?> anchor, String artifactId) {
        String version = anchor.getPackage().getImplementationVersion();
        if (version != null) {
            return version;
        }
        String pom = "/META-INF/maven/io.dockhand/" + artifactId + "/pom.properties";
        try (InputStream in = anchor.getResourceAsStream(pom)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "dev");
            }
        } catch (IOException e) {
            System.getLogger(VersionResource.class.getName()).log(System.Logger.Level.DEBUG, "Reading " + pom, e);
        }
        return "dev";
    }
}
