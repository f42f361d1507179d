package io.dockhand.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The cluster token that submitting and cancelling runs need, found where a person or a container keeps it, never
 * on the command line (where {@code ps} would show it): {@code DOCKHAND_TOKEN}, else the file
 * {@code DOCKHAND_TOKEN_FILE} names, else {@code /run/secrets/dockhand_token} when readable, else
 * {@code ~/.config/dockhand/token}.
 */
final class ClusterToken {
    static final String ENV = "DOCKHAND_TOKEN";
    static final String ENV_FILE = "DOCKHAND_TOKEN_FILE";
    static final Path SECRET = Path.of("/run/secrets/dockhand_token");

    private ClusterToken() {
    }

    /** The token, looked up in this session's environment and files. */
    static String find(Session session) {
        return find(session.env(), SECRET, session.home().resolve(".config").resolve("dockhand").resolve("token"));
    }

    /**
     * The token from {@code env}, the secret file, or the user's file, in that order.
     *
     * @throws ExitException (usage) saying where it looked, when none is found, or the one found is unusable
     */
    static String find(Map<String, String> env, Path secret, Path userFile) {
        String value = env.get(ENV);
        if (value != null && !value.isBlank()) {
            return check(value, ENV);
        }
        String named = env.get(ENV_FILE);
        if (named != null && !named.isBlank()) {
            return read(Path.of(named), ENV_FILE + " (" + named + ")");
        }
        if (Files.isReadable(secret) && Files.isRegularFile(secret)) {
            return read(secret, secret.toString());
        }
        if (Files.isRegularFile(userFile)) {
            return read(userFile, userFile.toString());
        }
        throw ExitException.usage("no cluster token: set " + ENV + ", or " + ENV_FILE + " to a file holding it, "
                + "or put it in " + secret + " or " + userFile);
    }

    private static String read(Path file, String where) {
        try {
            if (Files.size(file) > 4096) {
                throw ExitException.usage("the cluster token file " + where + " is larger than a token");
            }
            return check(Files.readString(file, StandardCharsets.UTF_8), where);
        } catch (IOException e) {
            throw ExitException.usage("cannot read the cluster token file " + where + ": "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage()));
        }
    }

    /** A token as an {@code Authorization} header can carry it: visible ASCII, surrounding blanks trimmed. */
    private static String check(String token, String where) {
        String trimmed = token.strip();
        if (trimmed.isEmpty()) {
            throw ExitException.usage("the cluster token in " + where + " is empty");
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw ExitException.usage("the cluster token in " + where + " holds a character a token cannot "
                        + "(only visible ASCII, on one line)");
            }
        }
        return trimmed;
    }
}
