package io.dockhand.gateway;

import java.io.IOException;
import java.security.Security;

/** Starts the gateway: {@code java -jar gateway.jar}, configured by environment variables (see {@link GatewaySettings}). */
public final class Main {
    private static final System.Logger LOGGER = System.getLogger(Main.class.getName());

    private Main() {
    }

    /**
     * Reads the settings and forwards until the process is stopped.
     *
     * @param args ignored
     * @throws IOException          when the port cannot be bound
     * @throws InterruptedException when interrupted while serving
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        // Replicas come and go; the JVM would otherwise keep a DNS answer for 30 s.
        Security.setProperty("networkaddress.cache.ttl", "1");
        Security.setProperty("networkaddress.cache.negative.ttl", "0");
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %5$s%6$s%n");
        GatewaySettings settings = GatewaySettings.create(System.getenv());
        TcpGateway gateway = TcpGateway.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gateway.close();
            } catch (IOException ignored) {
                // exiting anyway
            }
        }, "gateway-shutdown"));
        LOGGER.log(System.Logger.Level.INFO, "Dockhand gateway listening on port " + gateway.port() + ", forwarding to "
                + settings.backendHost() + ":" + settings.backendPort());
        gateway.awaitClose();
    }
}
