package io.dockhand.server.databases;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/** Directories tests make and remove. */
public final class Directories {
    private Directories() {
    }

    /** Deletes a directory and everything under it; nothing when it does not exist. */
    public static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * A new directory path for a PostgreSQL cluster, not yet made: under the build's {@code target/}, unless we are
     * root and a directory on the way there is closed to others (a checkout under {@code /root}); the server then
     * runs as {@code postgres}, which must reach it, so it goes under the temporary directory instead.
     */
    static Path forCluster(String name) throws IOException {
        String unique = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        if (!"root".equals(System.getProperty("user.name")) || openToOthers(target)) {
            return target.resolve(unique);
        }
        return Files.createTempDirectory("dockhand-" + unique);
    }

    private static boolean openToOthers(Path dir) throws IOException {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }
}
