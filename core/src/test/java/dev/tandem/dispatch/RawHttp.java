package dev.tandem.dispatch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, for what {@code java.net.http} will not send (Connection, Host,
 * Expect, huge headers) and to see the exact headers that come back.
 */
final class RawHttp implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    record Reply(int status, List<String> headers, String body) {
        /** Every value of header {@code name}, case-insensitive. */
        List<String> all(String name) {
            List<String> values = new ArrayList<>();
            for (String h : headers) {
                int colon = h.indexOf(':');
                if (h.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    values.add(h.substring(colon + 1).trim());
                }
            }
            return values;
        }

        String header(String name) {
            List<String> values = all(name);
            return values.isEmpty() ? null : values.get(0);
        }
    }

    RawHttp(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Reply exchange(int port, String request) {
        try (RawHttp http = new RawHttp(port)) {
            http.send(request);
            return http.read();
        }
    }

    void send(String text) {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one response, body by Content-Length, chunked, or to the end of the connection. */
    Reply read() {
        try {
            String status = line();
            String[] parts = status.split(" ", 3);
            List<String> headers = new ArrayList<>();
            for (String h = line(); !h.isEmpty(); h = line()) {
                headers.add(h);
            }
            int code = Integer.parseInt(parts[1]);
            Reply head = new Reply(code, headers, "");
            if (code / 100 == 1) {
                return head;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            String length = head.header("Content-Length");
            String te = head.header("Transfer-Encoding");
            if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                        size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                    body.write(in.readNBytes(size));
                    line();
                }
                for (String t = line(); !t.isEmpty(); t = line()) {
                    // trailers
                }
            } else if (length != null) {
                body.write(in.readNBytes(Integer.parseInt(length)));
            } else if (code != 204 && code != 304) {
                body.write(in.readAllBytes());
            }
            return new Reply(code, headers, body.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after '" + s + "'");
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
