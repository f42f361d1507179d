package io.dockhand.server.db;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import io.helidon.config.Config;

/**
 * Where the process serving a shared H2 file ({@code AUTO_SERVER=TRUE}) listens for the others. H2 listens on every
 * interface unless the system property {@code h2.bindAddress} names one; it also writes that address into the
 * lock file, where the other processes look for it. The address is {@code store.bind} when set; else
 * {@code server.host} when that is one address (not {@code 0.0.0.0} or {@code ::}); else the address this host's
 * name resolves to, which in a swarm task is its address on the stack's network, the one its replicas share.
 */
public final class AutoServerBind {
    static final String PROPERTY = "h2.bindAddress";
    private static final System.Logger LOGGER = System.getLogger(AutoServerBind.class.getName());

    private AutoServerBind() {
    }

    /** The address to bind, from the {@code store} and {@code server} config nodes. */
    public static Optional<String> address(Config store, Config server) {
        Optional<String> bind = store.get("bind").asString().map(String::strip).filter(s -> !s.isEmpty());
        if (bind.isPresent()) {
            return bind;
        }
        Optional<String> host = server.get("host").asString().map(String::strip)
                .filter(h -> !h.isEmpty() && !h.equals("0.0.0.0") && !h.equals("::") && !h.equals("[::]"));
        if (host.isPresent()) {
            return host;
        }
        try {
            return Optional.of(InetAddress.getLocalHost().getHostAddress());
        } catch (UnknownHostException e) {
            LOGGER.log(System.Logger.Level.WARNING, "No address for this host's name; H2 serves the shared file on"
                    + " every interface", e);
            return Optional.empty();
        }
    }

    /** Sets {@code h2.bindAddress} before H2 is loaded (H2 reads it once), unless the operator set it already. */
    public static void apply(Config store, Config server) {
        if (System.getProperty(PROPERTY) == null) {
            address(store, server).ifPresent(address -> {
                System.setProperty(PROPERTY, address);
                LOGGER.log(System.Logger.Level.INFO, "A shared H2 file is served on " + address + " only");
            });
        }
    }
}
