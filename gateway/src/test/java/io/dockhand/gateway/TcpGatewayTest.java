package io.dockhand.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the gateway over real loopback sockets; replicas are listeners on 127.0.0.x (all of 127/8 is local). */
@Timeout(20)
class TcpGatewayTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void forwardsBytesBothWaysAndPassesTheEndOfStreamOn() throws Exception {
        ServerSocket replica = replica("127.0.0.1", 0, "upper");
        TcpGateway gateway = gateway(replica.getLocalPort(), "127.0.0.1");

        assertThat(exchange(gateway, "hello")).isEqualTo("HELLO");
    }

    @Test
    void skipsAReplicaThatRefusesAndTriesItLastAfterwards() throws Exception {
        ServerSocket live = replica("127.0.0.1", 0, "one");
        TcpGateway gateway = gateway(live.getLocalPort(), "127.0.0.2", "127.0.0.1");

        for (int i = 0; i < 4; i++) {
            assertThat(exchange(gateway, "x")).isEqualTo("one");
        }
    }

    @Test
    void spreadsConnectionsOverEveryReplica() throws Exception {
        ServerSocket first = replica("127.0.0.1", 0, "one");
        replica("127.0.0.3", first.getLocalPort(), "three");
        TcpGateway gateway = gateway(first.getLocalPort(), "127.0.0.1", "127.0.0.3");

        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            seen.add(exchange(gateway, "x"));
        }
        assertThat(seen).containsExactlyInAnyOrder("one", "three");
    }

    @Test
    void closesTheClientWhenNoReplicaAccepts() throws Exception {
        int unused;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            unused = probe.getLocalPort();
        }
        TcpGateway gateway = gateway(unused, "127.0.0.1");

        assertThat(exchange(gateway, "x")).isEmpty();
    }

    @Test
    void closesTheClientWhenTheNameDoesNotResolve() throws Exception {
        GatewaySettings settings = new GatewaySettings(0, "nowhere", 1, Duration.ofMillis(500), Duration.ofSeconds(3));
        TcpGateway gateway = TcpGateway.start(settings, host -> {
            throw new java.net.UnknownHostException(host);
        });
        open.add(gateway);

        assertThat(exchange(gateway, "x")).isEmpty();
    }

    private TcpGateway gateway(int replicaPort, String... addresses) throws IOException {
        GatewaySettings settings = new GatewaySettings(0, "server", replicaPort, Duration.ofMillis(500),
                                                       Duration.ofSeconds(3));
        TcpGateway gateway = TcpGateway.start(settings, host -> {
            InetAddress[] resolved = new InetAddress[addresses.length];
            for (int i = 0; i < addresses.length; i++) {
                resolved[i] = InetAddress.getByName(addresses[i]);
            }
            return resolved;
        });
        open.add(gateway);
        return gateway;
    }

    /** Sends a line, half-closes, and reads everything the other side sends until it closes. */
    private static String exchange(TcpGateway gateway, String text) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            try {
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.net.SocketException reset) {
                return "";
            }
        }
    }

    /**
     * A replica that reads until end of stream, then answers: "upper" echoes the input in capitals, anything else
     * answers its own name.
     */
    private ServerSocket replica(String address, int port, String answer) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        open.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    String received = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    OutputStream out = s.getOutputStream();
                    out.write(("upper".equals(answer) ? received.toUpperCase(java.util.Locale.ROOT) : answer)
                                      .getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server;
    }
}
