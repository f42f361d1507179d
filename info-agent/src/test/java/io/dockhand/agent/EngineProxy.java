package io.dockhand.agent;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A Unix socket in front of the Docker socket that a test can take away (as when the engine stops: the socket file
 * goes and open connections drop) or make hang (connections are accepted and never answered), and bring back. It
 * reads the request lines going through, so a test can count the engine calls the agent makes and cut one kind of
 * them (the event stream, say) while the rest of the engine keeps answering.
 */
public final class EngineProxy implements AutoCloseable {

    private static final Path ENGINE = Path.of("/var/run/docker.sock");

    private final Path socket;
    private final Set<Link> open = ConcurrentHashMap.newKeySet();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile ServerSocketChannel server;
    private volatile boolean hang;
    private volatile Pattern cut;
    private volatile Rejection rejection;
    private volatile Pattern stall;
    private volatile Pattern mute;

    public EngineProxy(Path socket) {
        this.socket = socket;
    }

    public String dockerHost() {
        return "unix://" + socket;
    }

    /** Serves again: forwards every connection to the engine. */
    public synchronized void up() throws IOException {
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

    /**
     * Cuts the calls whose path (without the query) matches: the connections carrying one drop now, and a connection
     * that sends one later drops before the engine sees the request. Everything else is still forwarded.
     */
    synchronized void cut(String pathRegex) {
        Pattern pattern = Pattern.compile(pathRegex);
        cut = pattern;
        for (Link link : Set.copyOf(open)) {
            String path = link.lastPath;
            if (path != null && pattern.matcher(path).matches()) {
                link.drop();
            }
        }
    }

    /**
     * Answers the calls whose path (without the query) matches itself, as the engine answers one it refuses:
     * with the status and {@code {"message": ...}}, then closes the connection; the engine never sees them.
     */
    synchronized void reject(String pathRegex, int status, String message) {
        rejection = new Rejection(Pattern.compile(pathRegex), status, message);
    }

    /**
     * Stalls the calls whose path (without the query) matches: such a request never reaches the engine and is never
     * answered, its connection is left open until the client gives up (as with an engine too busy to answer one
     * kind of call). Everything else is still forwarded.
     */
    public synchronized void stall(String pathRegex) {
        stall = Pattern.compile(pathRegex);
    }

    /**
     * Mutes the calls whose path (without the query) matches: the engine gets the request and carries it out, but
     * its answer never reaches the client (as with an engine that answers after the client gave up).
     */
    public synchronized void mute(String pathRegex) {
        mute = Pattern.compile(pathRegex);
    }

    /** Forwards every call again. */
    public synchronized void restore() {
        cut = null;
        rejection = null;
        stall = null;
        mute = null;
    }

    private record Rejection(Pattern path, int status, String message) {
        byte[] answer() {
            String body = "{\"message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}\n";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            return ("HTTP/1.1 " + status + " Refused\r\nContent-Type: application/json\r\nContent-Length: "
                    + bytes.length + "\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    /** How many requests with a matching path went through to the engine. */
    public int forwarded(String pathRegex) {
        return count(pathRegex, r -> !r.refused);
    }

    /** How many requests with a matching path the engine began to answer. */
    int answered(String pathRegex) {
        return count(pathRegex, r -> r.answered.get());
    }

    /** How many requests with a matching path were dropped by a {@link #cut}. */
    int refused(String pathRegex) {
        return count(pathRegex, r -> r.refused);
    }

    @Override
    public void close() throws IOException {
        down();
    }

    private int count(String pathRegex, Predicate<Request> which) {
        Pattern pattern = Pattern.compile(pathRegex);
        return (int) requests.stream().filter(r -> pattern.matcher(r.path).matches()).filter(which).count();
    }

    private void accept(ServerSocketChannel channel) {
        while (channel.isOpen()) {
            try {
                SocketChannel client = channel.accept();
                if (hang) {
                    open.add(new Link(client, null));
                    continue;
                }
                Link link = new Link(client, SocketChannel.open(UnixDomainSocketAddress.of(ENGINE)));
                open.add(link);
                Thread.ofVirtual().start(link::pumpRequests);
                Thread.ofVirtual().start(link::pumpAnswers);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void dropAll() {
        for (Link link : Set.copyOf(open)) {
            link.drop();
        }
        open.clear();
    }

    /** One request seen on its way to the engine. */
    private static final class Request {
        private final String path;
        private final boolean refused;
        private final AtomicBoolean answered = new AtomicBoolean();

        Request(String path, boolean refused) {
            this.path = path;
            this.refused = refused;
        }
    }

    /**
     * A client connection and its connection to the engine. The agent's calls are GETs, so a request is its head
     * (and a body of {@code Content-Length} bytes, if any); a chunked body ends the reading of request lines.
     */
    private final class Link {
        private final SocketChannel client;
        private final SocketChannel engine;
        private final StringBuilder head = new StringBuilder();
        private boolean lineRead;
        private long bodyLeft;
        private boolean lost;
        private volatile String lastPath;
        private volatile Request last;
        private volatile boolean stalled;
        private volatile boolean muted;

        Link(SocketChannel client, SocketChannel engine) {
            this.client = client;
            this.engine = engine;
        }

        void pumpRequests() {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            try {
                while (client.read(buffer) >= 0) {
                    buffer.flip();
                    if (!read(buffer.duplicate())) {
                        drop();
                        return;
                    }
                    if (stalled) {
                        buffer.clear();
                        continue;
                    }
                    while (buffer.hasRemaining()) {
                        engine.write(buffer);
                    }
                    buffer.clear();
                }
            } catch (IOException dropped) {
                // one side went away
            } finally {
                drop();
            }
        }

        void pumpAnswers() {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            try {
                while (engine.read(buffer) >= 0) {
                    if (muted) {
                        buffer.clear();
                        continue;
                    }
                    Request request = last;
                    if (request != null) {
                        request.answered.set(true);
                    }
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        client.write(buffer);
                    }
                    buffer.clear();
                }
            } catch (IOException dropped) {
                // one side went away
            } finally {
                drop();
            }
        }

        /** Follows the request stream; false when a request in these bytes is cut and must not reach the engine. */
        private boolean read(ByteBuffer bytes) {
            while (bytes.hasRemaining() && !lost) {
                if (bodyLeft > 0) {
                    int skip = (int) Math.min(bodyLeft, bytes.remaining());
                    bytes.position(bytes.position() + skip);
                    bodyLeft -= skip;
                    continue;
                }
                head.append((char) (bytes.get() & 0xff));
                if (!endsWith("\r\n")) {
                    continue;
                }
                if (!lineRead) {
                    lineRead = true;
                    if (!requestLine(head.substring(0, head.length() - 2))) {
                        return false;
                    }
                } else if (endsWith("\r\n\r\n")) {
                    endOfHead(head.toString().toLowerCase(Locale.ROOT));
                    head.setLength(0);
                    lineRead = false;
                }
            }
            return true;
        }

        private boolean endsWith(String end) {
            int from = head.length() - end.length();
            return from >= 0 && head.indexOf(end, from) == from;
        }

        private boolean requestLine(String line) {
            String[] parts = line.split(" ");
            String target = parts.length > 1 ? parts[1] : "";
            int query = target.indexOf('?');
            String path = query < 0 ? target : target.substring(0, query);
            lastPath = path;
            Pattern refuse = cut;
            boolean refused = refuse != null && refuse.matcher(path).matches();
            Request request = new Request(path, refused);
            requests.add(request);
            last = request;
            Pattern silent = mute;
            if (!refused && silent != null && silent.matcher(path).matches()) {
                muted = true;
            }
            Pattern held = stall;
            if (!refused && held != null && held.matcher(path).matches()) {
                stalled = true;
                return true;
            }
            Rejection reject = rejection;
            if (!refused && reject != null && reject.path().matcher(path).matches()) {
                try {
                    ByteBuffer answer = ByteBuffer.wrap(reject.answer());
                    while (answer.hasRemaining()) {
                        client.write(answer);
                    }
                } catch (IOException dropped) {
                    // the client went away
                }
                return false;
            }
            return !refused;
        }

        private void endOfHead(String lowerCaseHead) {
            for (String line : lowerCaseHead.split("\r\n")) {
                if (line.startsWith("content-length:")) {
                    bodyLeft = Long.parseLong(line.substring("content-length:".length()).trim());
                } else if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
                    lost = true;
                }
            }
        }

        void drop() {
            open.remove(this);
            closeQuietly(client);
            if (engine != null) {
                closeQuietly(engine);
            }
        }

        private void closeQuietly(SocketChannel channel) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
