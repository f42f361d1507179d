package io.dockhand.agent.work;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder in front of the store that can do to its open connections what a replica killed behind the
 * gateway does to them: {@link #freeze} stops every connection open at that moment from carrying another byte,
 * either way, without closing it, so a request sent on one hangs. Connections opened afterwards work.
 */
final class FreezingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final List<Pair> open = new CopyOnWriteArrayList<>();

    FreezingProxy(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("freezing-proxy").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Freezes every connection open now; how many there were. */
    int freeze() {
        List<Pair> now = List.copyOf(open);
        now.forEach(p -> p.frozen = true);
        open.removeAll(now);
        return now.size();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                Pair pair = new Pair(client, upstream);
                open.add(pair);
                Thread.ofVirtual().start(() -> pair.copy(client, upstream));
                Thread.ofVirtual().start(() -> pair.copy(upstream, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private static final class Pair {
        private final Socket a;
        private final Socket b;
        private volatile boolean frozen;

        Pair(Socket a, Socket b) {
            this.a = a;
            this.b = b;
        }

        void copy(Socket from, Socket to) {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (frozen) {
                        // What the dead replica would have done: nothing, ever; the sockets stay open.
                        Thread.sleep(Long.MAX_VALUE);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            } finally {
                if (!frozen) {
                    closeQuietly(a);
                    closeQuietly(b);
                }
            }
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
