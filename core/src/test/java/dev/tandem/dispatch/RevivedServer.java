package dev.tandem.dispatch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An app server coming back on the port of one that was down, speaking just enough HTTP/1.1 over
 * plain sockets to control how its first request ends: it answers a GET with
 * {@code NAME PATH}, reads a POST's body and answers only once the whole body has arrived, and, if
 * asked, resets the connection of the very first request it gets instead of answering.
 */
final class RevivedServer implements AutoCloseable {
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger posts = new AtomicInteger();
    private final String name;
    private final boolean resetFirst;
    private final ServerSocket server;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    private RevivedServer(String name, int port, boolean resetFirst) {
        this.name = name;
        this.resetFirst = resetFirst;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread t = new Thread(this::accept, "revived-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** Answers every request. */
    static RevivedServer answering(String name, int port) {
        return new RevivedServer(name, port, false);
    }

    /** Resets the connection of its first request without answering; answers the others. */
    static RevivedServer resettingItsFirstRequest(String name, int port) {
        return new RevivedServer(name, port, true);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.add(s);
                Thread t = new Thread(() -> serve(s), "revived-" + name + "-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (String head = head(in); head != null; head = head(in)) {
                int n = requests.incrementAndGet();
                if (resetFirst && n == 1) {
                    s.setSoLinger(true, 0); // close with RST: a reset, not an orderly end
                    return;
                }
                String[] line = head.substring(0, head.indexOf('\r')).split(" ");
                String body = name + " " + line[1];
                if (line[0].equals("POST")) {
                    posts.incrementAndGet();
                    long length = contentLength(head);
                    if (in.readNBytes((int) length).length < length) {
                        return; // the body broke off: nothing to answer
                    }
                    body = name + " read " + length;
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(bytes);
                out.flush();
            }
        } catch (IOException e) {
            // the other end went away
        }
    }

    /** The request line and headers up to the blank line; null at the end of the connection. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int c = in.read(); c >= 0; c = in.read()) {
            head.write(c);
            matched = c == "\r\n\r\n".charAt(matched) ? matched + 1 : c == '\r' ? 1 : 0;
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static long contentLength(String head) {
        for (String h : head.split("\r\n")) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                return Long.parseLong(h.substring(colon + 1).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
