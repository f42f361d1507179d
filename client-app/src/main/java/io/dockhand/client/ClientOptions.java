package io.dockhand.client;

import java.time.Duration;

import io.dockhand.client.output.Format;

import picocli.CommandLine.Option;

/**
 * The options every command takes (and the bare {@code client} takes for the prompt it opens). Unset options are
 * {@code null}, so {@link Settings} can tell "not given" from "given as the default".
 */
public final class ClientOptions {
    @Option(names = "--server", paramLabel = "URLS",
            description = "Store base URLs, comma-separated; each host's addresses are all tried "
                    + "(env DOCKHAND_SERVER; default http://server:5001).")
    String server;

    @Option(names = "--agent", paramLabel = "URL",
            description = "Agent base URL (env DOCKHAND_AGENT; default http://<default gateway>:5002).")
    String agent;

    @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class,
            completionCandidates = Formats.class, description = "Output: table or json (default table).")
    Format format;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "How long a request may take, the whole answer and retries on other replicas included "
                    + "(env DOCKHAND_TIMEOUT; default 15s).")
    Duration timeout;

    @Option(names = "--verbose", description = "Print the stack trace of an error.")
    boolean verbose;

    ClientOptions copy() {
        ClientOptions copy = new ClientOptions();
        copy.server = server;
        copy.agent = agent;
        copy.format = format;
        copy.timeout = timeout;
        copy.verbose = verbose;
        return copy;
    }

    /** The values of {@code --format}, as typed. */
    static final class Formats extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Formats() {
            super(java.util.Arrays.stream(Format.values()).map(Format::toString).toList());
        }
    }

    /** Reads {@code --format} in any case. */
    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            for (Format format : Format.values()) {
                if (format.toString().equalsIgnoreCase(value.strip())) {
                    return format;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a format; use "
                    + String.join(" or ", new Formats()));
        }
    }
}
