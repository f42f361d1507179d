package io.dockhand.client;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;

import io.dockhand.client.http.Resolver;

/**
 * Where the client runs: its environment, its standard input, whether it talks to a person at a terminal, and the
 * options the prompt was opened with. Tests build one with a made-up environment.
 *
 * @param env         environment variables
 * @param in          standard input (lines to run when it is not a terminal)
 * @param interactive standard input and output are a terminal
 * @param colour      the output device shows colour (before {@code NO_COLOR} is considered)
 * @param routeTable  the kernel's routing table, for the default agent address
 * @param home        the user's home directory, for the history file
 * @param resolver    how host names become addresses
 * @param startup     the options the prompt was opened with, or {@code null}
 * @param asker       how a question (such as "destroy it?") is put to the person at the terminal, or {@code null}
 *                    when no one is there to answer
 */
record Session(Map<String, String> env, InputStream in, boolean interactive, boolean colour, Path routeTable,
               Path home, Resolver resolver, ClientOptions startup, Asker asker) {

    /** Puts a question to the person at the terminal. */
    @FunctionalInterface
    interface Asker {
        /** The line answered, or {@code null} when the input ended (or the question was cancelled). */
        String ask(String question) throws java.io.IOException;
    }

    /** A session with no one to ask. */
    Session(Map<String, String> env, InputStream in, boolean interactive, boolean colour, Path routeTable, Path home,
            Resolver resolver, ClientOptions startup) {
        this(env, in, interactive, colour, routeTable, home, resolver, startup, null);
    }

    /** This process's session. */
    static Session current() {
        boolean terminal = isTerminal();
        return new Session(System.getenv(), System.in, terminal, terminal, Path.of("/proc/net/route"),
                           Path.of(System.getProperty("user.home", ".")), Resolver.SYSTEM, null,
                           terminal ? question -> System.console().readLine("%s", question) : null);
    }

    Session withStartup(ClientOptions options) {
        return new Session(env, in, interactive, colour, routeTable, home, resolver, options, asker);
    }

    Session withColour(boolean showsColour) {
        return new Session(env, in, interactive, showsColour, routeTable, home, resolver, startup, asker);
    }

    Session withAsker(Asker answers) {
        return new Session(env, in, interactive, colour, routeTable, home, resolver, startup, answers);
    }

    /** The prompt's history file: {@code DOCKHAND_HISTORY}, else {@code ~/.dockhand/history}. */
    Path historyFile() {
        String configured = env.get("DOCKHAND_HISTORY");
        return configured != null && !configured.isBlank()
                ? Path.of(configured)
                : home.resolve(".dockhand").resolve("history");
    }

    /**
     * Whether standard input and output are a terminal. Java 22 and later always have a console and say so with
     * {@code isTerminal()}; on Java 21 there is a console only when both are a terminal.
     */
    private static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
