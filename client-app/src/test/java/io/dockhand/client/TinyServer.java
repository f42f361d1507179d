package io.dockhand.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A misbehaving HTTP server on a real socket: each connection's request line goes to a handler that writes
 * whatever bytes it likes (a stalled body, an endless one, control characters); the connection closes after it.
 */
public final class TinyServer implements AutoCloseable {
    /** Writes the raw answer to one request. */
    @FunctionalInterface
    public interface Handler {
        void answer(String target, OutputStream out) throws Exception;
    }

    private final ServerSocket socket;
    private final Handler handler;
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private TinyServer(Handler handler) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.handler = handler;
        Thread.ofVirtual().start(this::accept);
    }

    /** A server answering every request with {@code handler}. */
    public static TinyServer start(Handler handler) throws IOException {
        return new TinyServer(handler);
    }

    /** Its base URL. */
    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** The request targets (path and query) received so far. */
    public List<String> targets() {
        return targets;
    }

    /** Writes a whole answer with a length and {@code Connection: close}. */
    public static void answer(OutputStream out, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(head(status, contentType, "Content-Length: " + bytes.length));
        out.write(bytes);
        out.flush();
    }

    /** A status line and headers, ended by the empty line; {@code extra} is one more header line. */
    public static byte[] head(int status, String contentType, String extra) {
        return ("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nConnection: close\r\n" + extra
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                open.add(connection);
                Thread.ofVirtual().start(() -> serve(connection));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                                                                         StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                // headers are not needed
            }
            String target = requestLine == null ? "" : requestLine.split(" ")[1];
            targets.add(target);
            handler.answer(target, connection.getOutputStream());
        } catch (Exception e) {
            // the client went away (as it should when it gives up)
        } finally {
            open.remove(connection);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket connection : open) {
            connection.close();
        }
    }
}
