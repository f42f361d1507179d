package io.dockhand.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import io.dockhand.client.http.StreamedBody;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A JSON-lines file of tasks ({@code jobs submit --tasks}), checked line by line while it is sent: each line is
 * passed on as it is (blank ones too, so the store's line numbers are the file's), never the whole file in memory
 * (one line at most, {@link #MAX_LINE} bytes). A line the store would refuse for certain (not a JSON object, no
 * task id, no repository, another project) stops the upload, so nothing is stored, and {@link #problem()} names it:
 * {@code tasks.jsonl line 17: 'repo' is missing}.
 */
final class TaskLines implements StreamedBody.Writer {
    /** The longest line the store takes. */
    static final int MAX_LINE = 1 << 20;
    /** The most tasks one request may hold. */
    static final long MAX_TASKS = 100_000;
    private static final int MAX_TASK_ID = 256;
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final InputStream in;
    private final String source;
    private final String project;
    private final byte[] buffer = new byte[64 << 10];
    private int start;
    private int end;
    private boolean eof;
    private long lineNumber;
    private volatile long tasks;
    private byte[] held;
    private long blanksBefore;
    private volatile String problem;

    /**
     * Lines read from {@code in}.
     *
     * @param source  how to name the input in messages ({@code tasks.jsonl}, {@code stdin})
     * @param project the project they go to (a line's {@code id_projet} must name it)
     */
    TaskLines(InputStream in, String source, String project) {
        this.in = in;
        this.source = source;
        this.project = project;
    }

    /**
     * Reads up to the first task and checks it, before anything is sent.
     *
     * @throws ExitException (usage) when the input holds no task, or its first is wrong
     */
    void readFirst() throws IOException {
        while (true) {
            byte[] line = nextLine();
            if (line == null) {
                throw ExitException.usage(source + " holds no task (one JSON object a line)");
            }
            if (check(line)) {
                held = line;
                return;
            }
            if (problem != null) {
                throw ExitException.usage(problem);
            }
            blanksBefore++;
        }
    }

    @Override
    public void write(OutputStream out) throws IOException {
        for (; blanksBefore > 0; blanksBefore--) {
            out.write('\n');
        }
        if (held != null) {
            out.write(held);
            out.write('\n');
            held = null;
        }
        for (byte[] line = nextLine(); line != null; line = nextLine()) {
            check(line);
            if (problem != null) {
                throw new IOException(problem);
            }
            out.write(line);
            out.write('\n');
        }
    }

    /** What was wrong with the input, or {@code null}. */
    String problem() {
        return problem;
    }

    /** How many tasks were read. */
    long tasks() {
        return tasks;
    }

    /** Whether {@code line} is a task (not blank); sets {@link #problem} when it is a wrong one. */
    private boolean check(byte[] line) {
        String text = new String(line, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return false;
        }
        JsonNode task;
        try {
            task = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            return fail("not JSON (" + e.getOriginalMessage().lines().findFirst().orElse("") + ")");
        } catch (IOException e) {
            return fail("not JSON (" + e.getMessage() + ")");
        }
        if (!task.isObject()) {
            return fail("a task is a JSON object, not " + kind(task));
        }
        String taskId = text(task, "taskId", "id_tache");
        if (taskId == null || taskId.isEmpty()) {
            return fail("'taskId' is missing (or 'id_tache')");
        }
        if (taskId.length() > MAX_TASK_ID || taskId.indexOf('/') >= 0 || taskId.codePoints().anyMatch(c -> c < 0x20
                || c == 0x7f)) {
            return fail("'taskId' must be 1 to " + MAX_TASK_ID + " printable characters without '/'");
        }
        String repo = text(task, "repo", "address_git");
        if (repo == null || repo.isBlank()) {
            return fail("'repo' is missing (the git URL; or 'address_git')");
        }
        String named = text(task, "project", "id_projet");
        if (named != null && !named.equals(project)) {
            return fail("the task names project '" + named + "', not '" + project + "'");
        }
        if (++tasks > MAX_TASKS) {
            problem = source + " holds more than " + MAX_TASKS + " tasks, the most one request takes; split it";
            return false;
        }
        return true;
    }

    private boolean fail(String why) {
        problem = source + " line " + lineNumber + ": " + why;
        return false;
    }

    private static String text(JsonNode task, String name, String seedName) {
        JsonNode value = task.hasNonNull(name) ? task.get(name) : task.get(seedName);
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isTextual() ? value.textValue() : value.isNumber() ? value.asText() : "";
    }

    private static String kind(JsonNode node) {
        return node.isArray() ? "an array" : node.isTextual() ? "a string" : node.isNumber() ? "a number"
                : node.isBoolean() ? "a boolean" : "null";
    }

    /** The next line without its end ({@code \n} or {@code \r\n}), or {@code null} at the end of the input. */
    private byte[] nextLine() throws IOException {
        ByteArrayOutputStream line = null;
        while (true) {
            for (int i = start; i < end; i++) {
                if (buffer[i] == '\n') {
                    byte[] found = take(line, i);
                    start = i + 1;
                    return found;
                }
            }
            if (eof) {
                if (start == end && line == null) {
                    return null;
                }
                return take(line, end);
            }
            if (end > start) {
                line = line == null ? new ByteArrayOutputStream() : line;
                if (line.size() + end - start > MAX_LINE) {
                    lineNumber++;
                    fail("longer than " + (MAX_LINE >> 20) + " MiB, the most one line may be");
                    throw ExitException.usage(problem);
                }
                line.write(buffer, start, end - start);
            }
            start = 0;
            end = 0;
            int n = in.read(buffer);
            if (n < 0) {
                eof = true;
            } else {
                end = n;
            }
        }
    }

    /** The line so far and the buffer up to {@code upTo}, less a trailing {@code \r}. */
    private byte[] take(ByteArrayOutputStream line, int upTo) {
        lineNumber++;
        byte[] bytes;
        if (line == null) {
            bytes = java.util.Arrays.copyOfRange(buffer, start, upTo);
        } else {
            line.write(buffer, start, upTo - start);
            bytes = line.toByteArray();
        }
        start = upTo;
        if (bytes.length > MAX_LINE) {
            fail("longer than " + (MAX_LINE >> 20) + " MiB, the most one line may be");
            throw ExitException.usage(problem);
        }
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            return java.util.Arrays.copyOf(bytes, length - 1);
        }
        return bytes;
    }
}
