package io.dockhand.server.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.dockhand.api.Durations;
import io.dockhand.server.runs.RunRepository;
import io.dockhand.server.runs.Texts;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads a task from its JSON object, with the seed's field names accepted beside ours ({@code id_projet},
 * {@code id_tache}, {@code address_git}, {@code command}), and says in one sentence what is wrong with a bad one.
 */
final class TaskParser {
    /** A project's name. */
    static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Set<String> FIELDS = Set.of("taskId", "id_tache", "repo", "address_git", "ref",
            "dockerfile", "command", "env", "timeout", "project", "id_projet");
    private static final int MAX_TEXT = 100_000;
    private static final long MAX_TIMEOUT_SECONDS = Duration.ofDays(7).toSeconds();

    private TaskParser() {
    }

    /** Why a task is refused. */
    static final class BadTask extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadTask(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The task of a JSON object in project {@code project} (null: the object must name it, as a message on the
     * facade's {@code todo} queue does).
     *
     * @return the project it belongs to and the task
     */
    static Map.Entry<String, NewTask> parse(JsonNode node, String project, String doneQueue) {
        if (node == null || !node.isObject()) {
            throw new BadTask("a task is a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new BadTask("unknown field '" + Texts.printable(name, 60) + "'; a task has taskId (or"
                        + " id_tache), repo (or address_git), ref, dockerfile, command, env, timeout");
            }
        }
        String named = text(node, "project", "id_projet");
        if (project == null) {
            if (named == null) {
                throw new BadTask("the task names no project (project or id_projet)");
            }
            project = named;
        } else if (named != null && !named.equals(project)) {
            throw new BadTask("the task names project '" + Texts.printable(named, 60) + "', not '" + project + "'");
        }
        if (!PROJECT.matcher(project).matches()) {
            throw new BadTask("a project name is 1 to 128 letters, digits, '.', '_' or '-', starting with a letter"
                    + " or digit, not '" + Texts.printable(project, 60) + "'");
        }
        String taskId = text(node, "taskId", "id_tache");
        if (taskId == null || taskId.isEmpty() || taskId.length() > 256 || taskId.contains("/")
                || !taskId.equals(Texts.printable(taskId, 300))) {
            throw new BadTask("taskId (or id_tache) is required: 1 to 256 printable characters without '/'");
        }
        String repo = text(node, "repo", "address_git");
        if (repo == null || repo.isBlank() || repo.length() > 2048 || !repo.equals(Texts.printable(repo, 3000))) {
            throw new BadTask("repo (or address_git) is required: the git URL of the repository to build");
        }
        String ref = text(node, "ref");
        if (ref != null && (ref.isBlank() || ref.length() > 256 || !ref.equals(Texts.printable(ref, 300)))) {
            throw new BadTask("ref is a branch, tag or commit of at most 256 printable characters");
        }
        String dockerfile = text(node, "dockerfile");
        if (dockerfile == null) {
            dockerfile = "Dockerfile";
        } else if (dockerfile.isBlank() || dockerfile.length() > 1024 || dockerfile.startsWith("/")
                || List.of(dockerfile.split("/")).contains("..")) {
            throw new BadTask("dockerfile is a relative path inside the repository, without '..'");
        }
        List<String> command = command(node.get("command"));
        Map<String, String> env = env(node.get("env"));
        long timeout = timeout(node.get("timeout"));
        if (RunRepository.json(command).length() > MAX_TEXT || RunRepository.json(env).length() > MAX_TEXT) {
            throw new BadTask("the command and the environment each fit in " + MAX_TEXT + " characters");
        }
        return Map.entry(project, new NewTask(taskId, repo, ref, dockerfile, command, env, timeout, doneQueue));
    }

    private static String text(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                continue;
            }
            if (value.isTextual()) {
                return value.asText();
            }
            if (value.isIntegralNumber() && (name.equals("taskId") || name.equals("id_tache"))) {
                return value.asText(); // the seed's task ids were numbers
            }
            throw new BadTask(name + " must be a string");
        }
        return null;
    }

    private static List<String> command(JsonNode value) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (value.isTextual()) {
            if (value.asText().isBlank()) {
                throw new BadTask("command is an argument array or one shell line, not an empty string");
            }
            return List.of("sh", "-c", value.asText());
        }
        if (value.isArray()) {
            List<String> args = new ArrayList<>();
            for (JsonNode arg : value) {
                if (!arg.isTextual() && !arg.isNumber()) {
                    throw new BadTask("command's arguments must be strings");
                }
                args.add(arg.asText());
            }
            return args;
        }
        throw new BadTask("command is an argument array (\"command\": [\"echo\", \"1\"]) or one shell line");
    }

    private static Map<String, String> env(JsonNode value) {
        Map<String, String> env = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return env;
        }
        if (!value.isObject()) {
            throw new BadTask("env is an object of names and string values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().matches("[A-Za-z_][A-Za-z0-9_.-]{0,255}")) {
                throw new BadTask("env name '" + Texts.printable(field.getKey(), 60) + "' is not a variable name");
            }
            if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                throw new BadTask("env value of " + field.getKey() + " must be a string");
            }
            env.put(field.getKey(), field.getValue().asText());
        }
        return env;
    }

    private static long timeout(JsonNode value) {
        if (value == null || value.isNull()) {
            return 0;
        }
        long seconds;
        if (value.isIntegralNumber()) {
            seconds = value.asLong();
        } else if (value.isTextual()) {
            try {
                seconds = Durations.parse(value.asText()).toSeconds();
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new BadTask("timeout is a duration such as 90s or 5m, or whole seconds");
            }
        } else {
            throw new BadTask("timeout is a duration such as 90s or 5m, or whole seconds");
        }
        if (seconds < 0 || seconds > MAX_TIMEOUT_SECONDS) {
            throw new BadTask("timeout is from 0 (none) to 7d");
        }
        return seconds;
    }
}
