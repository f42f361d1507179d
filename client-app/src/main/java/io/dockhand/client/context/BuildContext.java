package io.dockhand.client.context;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

import io.dockhand.api.context.DockerIgnore;

/**
 * What of a folder goes into a build context: every file, folder and symbolic link under it that its
 * {@code .dockerignore} does not leave out (the Dockerfile and {@code .dockerignore} always go, as Docker sends
 * them), sorted by path. Symbolic links are entries of their own and never followed; sockets, pipes and devices
 * are left out. Only paths and kinds are held, never contents.
 *
 * @param root       the folder
 * @param dockerfile the Dockerfile's path inside it, {@code /}-separated
 * @param entries    what goes in, sorted by path
 * @param bytes      the size of the files' contents when walked
 */
public record BuildContext(Path root, String dockerfile, List<Entry> entries, long bytes) {
    /** The name of the ignore file at the folder's root. */
    public static final String IGNORE_FILE = ".dockerignore";

    /** What an entry is. */
    public enum Kind { DIRECTORY, FILE, SYMLINK }

    /**
     * One entry of the context.
     *
     * @param path its path inside the folder, {@code /}-separated, without a trailing {@code /}
     * @param file where it is on disk
     * @param kind what it is
     */
    public record Entry(String path, Path file, Kind kind) {
    }

    /** Thrown when the folder cannot be sent: no such folder, no Dockerfile, a bad ignore file, an unreadable file. */
    public static final class InvalidContextException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidContextException(String message) {
            super(message);
        }
    }

    /**
     * Walks {@code root}.
     *
     * @param dockerfile the Dockerfile's path inside {@code root} ({@code /}-separated)
     * @throws InvalidContextException when the folder or its Dockerfile is missing, or something cannot be read
     */
    public static BuildContext walk(Path root, String dockerfile) {
        if (!Files.isDirectory(root)) {
            throw new InvalidContextException(root + " is not a folder");
        }
        String cleaned = DockerIgnore.clean(dockerfile.replace('\\', '/'));
        if (cleaned.equals(".") || cleaned.startsWith("/") || cleaned.equals("..") || cleaned.startsWith("../")) {
            throw new InvalidContextException("the Dockerfile " + dockerfile + " is not inside " + root);
        }
        Path file = root.resolve(cleaned);
        for (Path step = root.resolve(cleaned).getParent(); !step.equals(root); step = step.getParent()) {
            if (Files.isSymbolicLink(step)) {
                throw new InvalidContextException("the Dockerfile " + cleaned + " is behind a symbolic link ("
                        + root.relativize(step) + "); give its real path inside " + root);
            }
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidContextException(Files.isSymbolicLink(file)
                    ? "the Dockerfile " + cleaned + " is a symbolic link; give the file it points to"
                    : "no Dockerfile at " + file);
        }
        DockerIgnore ignore = readIgnore(root).keeping(IGNORE_FILE).keeping(cleaned);
        TreeMap<String, Entry> kept = new TreeMap<>();
        long[] bytes = {0};
        try {
            visit(root, root, "", ignore, kept, bytes);
        } catch (UncheckedIOException e) {
            throw new InvalidContextException("cannot read " + e.getCause().getMessage());
        }
        List<Entry> entries = new ArrayList<>(kept.values());
        entries.sort(Comparator.comparing(Entry::path));
        return new BuildContext(root, cleaned, List.copyOf(entries), bytes[0]);
    }

    /** How many files (not folders or links) the context holds. */
    public long files() {
        return entries.stream().filter(e -> e.kind() == Kind.FILE).count();
    }

    private static DockerIgnore readIgnore(Path root) {
        Path file = root.resolve(IGNORE_FILE);
        if (!Files.isRegularFile(file)) {
            return DockerIgnore.none();
        }
        try {
            return DockerIgnore.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InvalidContextException("cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidContextException(root.resolve(e.getMessage()).toString());
        }
    }

    private static void visit(Path root, Path dir, String prefix, DockerIgnore ignore, TreeMap<String, Entry> kept,
                              long[] bytes) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
            list.forEach(children::add);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(dir + " (" + e.getMessage() + ")", e));
        }
        children.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path child : children) {
            String path = prefix + child.getFileName().toString();
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw new UncheckedIOException(new IOException(child + " (" + e.getMessage() + ")", e));
            }
            boolean ignored = ignore.ignores(path);
            if (attributes.isDirectory()) {
                if (!ignored) {
                    keep(root, kept, path, child, Kind.DIRECTORY);
                }
                if (!ignored || ignore.mayKeepUnder(path)) {
                    visit(root, child, path + "/", ignore, kept, bytes);
                }
            } else if (!ignored && attributes.isSymbolicLink()) {
                keep(root, kept, path, child, Kind.SYMLINK);
            } else if (!ignored && attributes.isRegularFile()) {
                if (!Files.isReadable(child)) {
                    throw new UncheckedIOException(new IOException(child + " (permission denied)"));
                }
                keep(root, kept, path, child, Kind.FILE);
                bytes[0] += attributes.size();
            }
        }
    }

    /** Keeps an entry and the folders above it (a file taken back by an exception brings its folders along). */
    private static void keep(Path root, TreeMap<String, Entry> kept, String path, Path file, Kind kind) {
        kept.put(path, new Entry(path, file, kind));
        for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
            String parent = path.substring(0, slash);
            if (kept.containsKey(parent)) {
                break;
            }
            kept.put(parent, new Entry(parent, root.resolve(parent), Kind.DIRECTORY));
        }
    }
}
