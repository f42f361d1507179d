package io.dockhand.agent;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Unix socket in front of the Docker socket that a test can take away (as when the engine stops: the socket file
 * goes and open connections drop) or make hang (connections are accepted and never answered), and bring back.
 */
final class EngineProxy implements AutoCloseable {

    private static final Path ENGINE = Path.of("/var/run/docker.sock");

    private final Path socket;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocketChannel server;
    private volatile boolean hang;

    EngineProxy(Path socket) {
        this.socket = socket;
    }

    String dockerHost() {
        return "unix://" + socket;
    }

    /** Serves again: forwards every connection to the engine. */
    synchronized void up() throws IOException {
        hang = false;
        if (server != null) {
            return;
        }
        Files.deleteIfExists(socket);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(socket));
        server = channel;
        Thread.ofVirtual().start(() -> accept(channel));
    }

    /** Goes away: the socket file is removed and every open connection drops. */
    synchronized void down() throws IOException {
        ServerSocketChannel channel = server;
        server = null;
        if (channel != null) {
            channel.close();
        }
        Files.deleteIfExists(socket);
        dropAll();
    }

    /** Stays, but stops answering: open connections drop and new ones are accepted and left waiting. */
    synchronized void hang() throws IOException {
        up();
        hang = true;
        dropAll();
    }

    @Override
    public void close() throws IOException {
        down();
    }

    private void accept(ServerSocketChannel channel) {
        while (channel.isOpen()) {
            try {
                SocketChannel client = channel.accept();
                open.add(client);
                if (hang) {
                    continue;
                }
                SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(ENGINE));
                open.add(engine);
                Thread.ofVirtual().start(() -> pump(client, engine));
                Thread.ofVirtual().start(() -> pump(engine, client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException dropped) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void dropAll() {
        for (SocketChannel channel : Set.copyOf(open)) {
            closeQuietly(channel);
        }
        open.clear();
    }

    private void closeQuietly(SocketChannel channel) {
        open.remove(channel);
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
