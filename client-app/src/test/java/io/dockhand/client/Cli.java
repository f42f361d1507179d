package io.dockhand.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import io.dockhand.client.http.Resolver;

/** Runs the client in this JVM as {@code main} would, with a made-up environment, and captures what it prints. */
final class Cli {
    private Cli() {
    }

    /**
     * What a run left behind.
     *
     * @param code the exit code
     * @param out  standard output
     * @param err  standard error
     */
    record Result(int code, String out, String err) {
    }

    static Session session(Map<String, String> env, String stdin, Path home) {
        return new Session(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false, false,
                           home.resolve("no-route-table"), home, Resolver.SYSTEM, null);
    }

    static Result run(Session session, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, session, new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
