package io.dockhand.server;

import java.io.IOException;
import java.io.Reader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 10, finding 12: with {@code STORE_SHARED=true} and {@code SERVER_HOST=127.0.0.1}, the process serving the H2
 * file listens for H2's TCP protocol on 127.0.0.1 only (it listened on every interface).
 */
class SharedBindIT {

    @Test
    void servesTheSharedFileOnlyOnTheServersAddress() throws Exception {
        Path dir = Files.createTempDirectory("dockhand-bind");
        try (ServerProcess store = ServerProcess.start(dir, 0, true, "bind")) {
            assertThat(store.port()).isPositive();
            Properties lock = new Properties();
            try (Reader in = Files.newBufferedReader(dir.resolve("db").resolve("dockhand.lock.db"))) {
                lock.load(in);
            }
            String server = lock.getProperty("server");
            String advertised = server.substring(0, server.lastIndexOf(':'));
            assertThat(InetAddress.getByName(advertised).isLoopbackAddress())
                    .as("the address H2 advertises to the other processes: " + server).isTrue();
            int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
            assertThat(opens("127.0.0.1", port)).isTrue();
            Optional<String> other = otherLocalAddress();
            assumeTrue(other.isPresent(), "no non-loopback IPv4 interface here");
            assertThat(opens(other.get(), port)).as("H2's port on " + other.get()).isFalse();
        }
    }

    private static boolean opens(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static Optional<String> otherLocalAddress() throws IOException {
        return NetworkInterface.networkInterfaces()
                .filter(nic -> {
                    try {
                        return nic.isUp() && !nic.isLoopback();
                    } catch (IOException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address)
                .map(InetAddress::getHostAddress)
                .findFirst();
    }
}
