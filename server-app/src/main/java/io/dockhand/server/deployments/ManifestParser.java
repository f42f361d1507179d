package io.dockhand.server.deployments;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dockhand.api.Manifest;
import io.dockhand.server.runs.Texts;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

/**
 * Reads an app's manifest: {@code dockhand.toml}, or Kraken's {@code shipwreck.toml} as Kraken wrote it
 * ({@code lang = "python3"} is python, {@code "dockerfile"} is custom), with Jackson's TOML parser, and refuses a
 * bad one with the file, the line and the reason in one sentence ({@link ManifestException}). Syntax errors
 * take their line from the parser; anything else from where its key, or the table it is missing from, is written.
 * A {@code run} given with lang custom is kept but not used (Kraken's manifests had one): the repository's
 * Dockerfile says how the app starts. With lang static, {@code run} replaces the BusyBox server ({@link Presets}).
 */
public final class ManifestParser {
    /** The manifest files looked for at a repository's root, in this order. */
    public static final List<String> FILES = List.of("dockhand.toml", "shipwreck.toml");
    /** The ports Dockhand itself publishes on every node: the registry, the store, the agent. */
    public static final Set<Integer> RESERVED_PORTS = Set.of(5000, 5001, 5002);
    /** The most replicas a manifest may ask for. */
    public static final int MAX_REPLICAS = 20;

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,6})?)\\s*([kmgt]?)(?:i?b)?",
            Pattern.CASE_INSENSITIVE);
    private static final long MIN_MEMORY = 6L << 20; // Docker refuses less
    private static final int MAX_TEXT = 4096;
    private static final TomlMapper TOML = new TomlMapper();
    private static final Map<String, String> LANGS = Map.of("node", "node", "python", "python", "python3", "python",
            "static", "static", "custom", "custom", "dockerfile", "custom");
    private static final Set<String> TOP = Set.of("app", "config");
    private static final Set<String> APP = Set.of("name", "version", "author", "endpoint");
    private static final Set<String> CONFIG = Set.of("port", "lang", "run", "env", "replicas", "health", "cpus",
            "memory", "publish");

    private final String file;
    private final TomlLines lines;

    private ManifestParser(String file, TomlLines lines) {
        this.file = file;
        this.lines = lines;
    }

    /**
     * The manifest in {@code content}, which must be UTF-8.
     *
     * @param file the file's name, used in reasons and kept in the manifest
     * @throws ManifestException when it is not valid
     */
    public static Manifest parse(String file, byte[] content) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
            return parse(file, text);
        } catch (CharacterCodingException e) {
            String good = new String(content, StandardCharsets.UTF_8);
            int bad = good.indexOf('\uFFFD');
            int line = 1 + (int) good.substring(0, Math.max(bad, 0)).chars().filter(ch -> ch == '\n').count();
            throw new ManifestException(file, line, "the file is not UTF-8 text");
        }
    }

    /**
     * The manifest in {@code text}.
     *
     * @param file the file's name, used in reasons and kept in the manifest
     * @throws ManifestException when it is not valid
     */
    public static Manifest parse(String file, String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark some Windows editors write
        }
        TomlLines lines = TomlLines.scan(text);
        JsonNode root;
        try {
            root = TOML.readTree(text);
        } catch (JacksonException e) {
            String reason = e.getOriginalMessage();
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            if ("Duplicate key".equals(reason) && lines.duplicateKeyLine() > 0) {
                line = lines.duplicateKeyLine(); // the parser points past the value
            }
            throw new ManifestException(file, line, "not valid TOML: " + syntax(reason));
        }
        if (root == null || root.isMissingNode() || root.isEmpty()) {
            throw new ManifestException(file, 1, "the file is empty; it needs [app] with a name and [config] with"
                    + " port and lang");
        }
        return new ManifestParser(file, lines).manifest(root);
    }

    private Manifest manifest(JsonNode root) {
        known(root, List.of(), TOP, "a manifest has [app] and [config]");
        JsonNode app = table(root, "app", "[app] is missing; it names the app: name = \"my-app\"");
        known(app, List.of("app"), APP, "[app] has name, version, author, endpoint");
        String name = text(app, "app", "name");
        if (name == null) {
            throw fail(List.of("app"), "[app] has no name; write name = \"my-app\"");
        }
        if (!NAME.matcher(name).matches()) {
            throw fail(List.of("app", "name"), "name must be 1 to 41 lowercase letters, digits or '-', starting with a"
                    + " letter or digit, not '" + Texts.printable(name, 60) + "'");
        }
        Manifest.App about = new Manifest.App(name, text(app, "app", "version"), text(app, "app", "author"),
                text(app, "app", "endpoint"));
        JsonNode config = table(root, "config", "[config] is missing; it gives the app's port and lang");
        known(config, List.of("config"), CONFIG, "[config] has port, lang, run, env, replicas, health, cpus,"
                + " memory, publish");
        return new Manifest(file, about, config(config));
    }

    private Manifest.Config config(JsonNode config) {
        if (!config.has("port")) {
            throw fail(List.of("config"), "[config] has no port; write the port the app listens on: port = 8080");
        }
        int port = port(config, "port");
        String written = text(config, "config", "lang");
        if (written == null) {
            throw fail(List.of("config"), "[config] has no lang; write lang = one of "
                    + String.join(", ", Manifest.LANGS));
        }
        String lang = LANGS.get(written.toLowerCase(Locale.ROOT));
        if (lang == null) {
            throw fail(List.of("config", "lang"), "lang must be one of " + String.join(", ", Manifest.LANGS) + ", not '"
                    + Texts.printable(written, 60) + "'");
        }
        String run = text(config, "config", "run");
        if ((lang.equals("node") || lang.equals("python")) && (run == null || run.isBlank())) {
            throw fail(config.has("run") ? List.of("config", "run") : List.of("config"), "lang " + lang
                    + " needs run, the command that starts the app: run = \""
                    + (lang.equals("node") ? "node server.js" : "python3 app.py") + "\"");
        }
        int replicas = config.has("replicas") ? whole(config, "replicas", 1, MAX_REPLICAS) : 1;
        String health = text(config, "config", "health");
        if (health == null) {
            health = "/";
        } else if (!health.startsWith("/") || !health.matches("/[\\x21-\\x7e]*")) {
            throw fail(List.of("config", "health"), "health must be an HTTP path starting with '/', without"
                    + " spaces, not '" + Texts.printable(health, 60) + "'");
        }
        int publish = config.has("publish") ? port(config, "publish") : port;
        if (RESERVED_PORTS.contains(publish)) {
            throw fail(List.of("config", config.has("publish") ? "publish" : "port"), "port " + publish
                    + " is Dockhand's own (5000 the registry, 5001 the store, 5002 the agent); choose another"
                    + (config.has("publish") ? "" : ", or publish the app on another with publish = 8080"));
        }
        return new Manifest.Config(port, lang, run, env(config), replicas, health, cpus(config), memory(config),
                publish);
    }

    private JsonNode table(JsonNode parent, String key, String missing) {
        JsonNode table = parent.get(key);
        if (table == null) {
            throw fail(List.of(), missing);
        }
        if (!table.isObject()) {
            throw fail(List.of(key), key + " must be a table: [" + key + "]");
        }
        return table;
    }

    private void known(JsonNode table, List<String> at, Set<String> keys, String hint) {
        for (Map.Entry<String, JsonNode> property : table.properties()) {
            String key = property.getKey();
            if (!keys.contains(key)) {
                List<String> path = new ArrayList<>(at);
                path.add(key);
                String where = at.isEmpty() ? "" : " in [" + String.join(".", at) + "]";
                throw fail(path, "unknown key '" + Texts.printable(key, 60) + "'" + where + "; " + hint);
            }
        }
    }

    private String text(JsonNode table, String at, String key) {
        JsonNode value = table.get(key);
        if (value == null) {
            return null;
        }
        String text;
        if (value.isTextual()) {
            text = value.asText();
        } else if (value.isNumber() && key.equals("version")) {
            String raw = lines.raw(List.of(at, key)); // 1.0 as written, not the number 1
            text = raw != null && raw.matches("[0-9][0-9._+eE-]*(\\s*#.*)?") ? raw.replaceAll("\\s*#.*", "")
                    : value.asText();
        } else {
            throw fail(List.of(at, key), key + " must be a string: " + key + " = \"...\"");
        }
        if (text.length() > MAX_TEXT || (!key.equals("run") && !text.equals(Texts.printable(text, MAX_TEXT)))) {
            throw fail(List.of(at, key), key + " must be at most " + MAX_TEXT + " characters"
                    + (key.equals("run") ? "" : " on one line"));
        }
        return text;
    }

    private int port(JsonNode config, String key) {
        return whole(config, key, 1, 65535);
    }

    private int whole(JsonNode config, String key, int min, int max) {
        JsonNode value = config.get(key);
        if (!value.canConvertToExactIntegral() || !value.canConvertToInt() || value.asInt() < min
                || value.asInt() > max) {
            throw fail(List.of("config", key), key + " must be a whole number from " + min + " to " + max + ", not "
                    + written(value));
        }
        return value.asInt();
    }

    private Map<String, String> env(JsonNode config) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode table = config.get("env");
        if (table == null) {
            return env;
        }
        if (!table.isObject()) {
            throw fail(List.of("config", "env"), "env must be a table of names and strings:"
                    + " env = { NAME = \"value\" }");
        }
        for (Map.Entry<String, JsonNode> variable : table.properties()) {
            List<String> path = List.of("config", "env", variable.getKey());
            if (!ENV_NAME.matcher(variable.getKey()).matches()) {
                throw fail(path, "env name '" + Texts.printable(variable.getKey(), 60) + "' is not a variable name"
                        + " (letters, digits and '_', not starting with a digit)");
            }
            if (!variable.getValue().isTextual()) {
                throw fail(path, "env " + variable.getKey() + " must be a string: " + variable.getKey() + " = \""
                        + (variable.getValue().isValueNode() ? variable.getValue().asText() : "...") + "\"");
            }
            env.put(variable.getKey(), variable.getValue().asText());
        }
        return env;
    }

    private double cpus(JsonNode config) {
        JsonNode value = config.get("cpus");
        if (value == null) {
            return 0;
        }
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 256) {
            throw fail(List.of("config", "cpus"), "cpus must be a number of CPUs from 0 (no limit) to 256, such as 0.5,"
                    + " not " + written(value));
        }
        return value.asDouble();
    }

    private long memory(JsonNode config) {
        JsonNode value = config.get("memory");
        if (value == null) {
            return 0;
        }
        Matcher size = value.isTextual() ? SIZE.matcher(value.asText().strip()) : null;
        if (size == null || !size.matches()) {
            throw fail(List.of("config", "memory"), "memory must be a size such as \"256m\" or \"1g\", not "
                    + written(value));
        }
        int shift = switch (size.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        long bytes = new java.math.BigDecimal(size.group(1)).multiply(java.math.BigDecimal.valueOf(1L << shift))
                .longValue();
        if (bytes < MIN_MEMORY) {
            throw fail(List.of("config", "memory"), "memory must be at least 6m (Docker's least), not "
                    + written(value));
        }
        return bytes;
    }

    private static String written(JsonNode value) {
        return value.isTextual() ? "'" + Texts.printable(value.asText(), 60) + "'"
                : value.isValueNode() ? Texts.printable(value.asText(), 60) : value.isArray() ? "an array" : "a table";
    }

    private static String syntax(String reason) {
        return reason == null ? "unreadable" : Texts.printable(reason.strip(), 200).toLowerCase(Locale.ROOT);
    }

    private ManifestException fail(List<String> path, String reason) {
        return new ManifestException(file, lines.lineOf(path), reason);
    }
}
