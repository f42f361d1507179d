package io.dockhand.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Accepts connections on one port and splices each to a replica from {@link Backends}: the first replica that
 * accepts within the connect timeout gets it. Bytes are copied both ways untouched (HTTP keep-alive included);
 * when one side closes its output the other side's output is shut down too, and both sockets close when both
 * directions are done. One virtual thread per direction.
 */
public final class TcpGateway implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(TcpGateway.class.getName());

    private final ServerSocket listener;
    private final Backends backends;
    private final GatewaySettings settings;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread acceptor;

    private TcpGateway(ServerSocket listener, Backends backends, GatewaySettings settings) {
        this.listener = listener;
        this.backends = backends;
        this.settings = settings;
        this.acceptor = Thread.ofPlatform().name("gateway-accept").daemon(false).unstarted(this::acceptLoop);
    }

    /** Binds the port (all interfaces) and starts accepting, resolving replicas with the system resolver. */
    public static TcpGateway start(GatewaySettings settings) throws IOException {
        return start(settings, InetAddress::getAllByName);
    }

    static TcpGateway start(GatewaySettings settings, Backends.Resolver resolver) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(settings.port()), 256);
        Backends backends = new Backends(settings.backendHost(), resolver, settings.quarantine(), Clock.systemUTC());
        TcpGateway gateway = new TcpGateway(listener, backends, settings);
        gateway.acceptor.start();
        return gateway;
    }

    /** The port actually bound (differs from the setting when that is 0). */
    public int port() {
        return listener.getLocalPort();
    }

    /** Blocks until the gateway is closed. */
    public void awaitClose() throws InterruptedException {
        acceptor.join();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        connections.shutdownNow();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                connections.execute(() -> serve(client));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    LOGGER.log(System.Logger.Level.WARNING, "accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client; Socket upstream = connectToReplica()) {
            if (upstream == null) {
                return;
            }
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            Thread toReplica = Thread.ofVirtual().start(() -> pump(client, upstream));
            pump(upstream, client);
            toReplica.join();
        } catch (IOException e) {
            LOGGER.log(System.Logger.Level.DEBUG, "connection ended: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Socket connectToReplica() {
        for (InetAddress address : backends.candidates()) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, settings.backendPort()),
                               (int) settings.connectTimeout().toMillis());
                backends.succeeded(address);
                return socket;
            } catch (IOException e) {
                backends.failed(address);
                closeQuietly(socket);
                LOGGER.log(System.Logger.Level.INFO, "replica " + address.getHostAddress() + ":"
                        + settings.backendPort() + " did not accept (" + e.getMessage() + "); trying the next");
            }
        }
        LOGGER.log(System.Logger.Level.WARNING, "no replica of '" + settings.backendHost() + "' accepted; "
                + "closing the client's connection");
        return null;
    }

    /** Copies until end of stream, then passes the end on; a reset on either side ends both directions. */
    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closing
        }
    }
}
