package dev.tandem.dispatch;

import dev.tandem.testing.Container;
import dev.tandem.testing.RunningServer;
import dev.tandem.testing.WebApp;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An app-tier node for dispatch tests: a real Jetty answering every path with its own name, plus
 * actions the tests ask for by path. Requests to {@code /hold/*} wait, without holding a thread,
 * until the test releases them; {@code /echo} answers the request body.
 */
final class AppNode implements AutoCloseable {
    final String name;
    final AtomicInteger hits = new AtomicInteger();
    final AtomicInteger posts = new AtomicInteger();
    final AtomicInteger held = new AtomicInteger();
    final AtomicLong bodyBytes = new AtomicLong();
    private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    private final RunningServer server;

    private AppNode(String name) {
        this.name = name;
        this.server = Container.JETTY.start(WebApp.at("").withoutFilter().servlet("/*", new Servlet()));
    }

    static AppNode start(String name) {
        return new AppNode(name);
    }

    int port() {
        return server.port();
    }

    /** {@code name=127.0.0.1:port}, for a {@code cluster} param. */
    String entry() {
        return name + "=127.0.0.1:" + port();
    }

    /** The latch requests to {@code /hold/KEY} wait on. */
    CountDownLatch hold(String key) {
        return holds.computeIfAbsent(key, k -> new CountDownLatch(1));
    }

    /** Whether a request to {@code /hold/KEY} arrived here. */
    boolean holdsKey(String key) {
        return holds.containsKey(key);
    }

    void releaseAll() {
        holds.values().forEach(CountDownLatch::countDown);
    }

    @Override
    public void close() {
        releaseAll();
        server.close();
    }

    private final class Servlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            hits.incrementAndGet();
            if (request.getMethod().equals("POST")) {
                posts.incrementAndGet();
            }
            String path = request.getRequestURI();
            if (path.startsWith("/hold/")) {
                hold(request, response, path.substring("/hold/".length()));
            } else if (path.startsWith("/upload")) {
                upload(request, response);
            } else if (path.startsWith("/download")) {
                download(request, response);
            } else if (path.startsWith("/echo")) {
                response.setContentType("application/octet-stream");
                request.getInputStream().transferTo(response.getOutputStream());
            } else if (path.startsWith("/headers")) {
                StringBuilder s = new StringBuilder();
                for (String h : Collections.list(request.getHeaderNames())) {
                    for (String v : Collections.list(request.getHeaders(h))) {
                        s.append(h.toLowerCase()).append(": ").append(v).append('\n');
                    }
                }
                text(response, s.toString());
            } else if (path.startsWith("/cookies")) {
                Cookie c = new Cookie("JSESSIONID", "baXYZ");
                c.setPath("/");
                c.setHttpOnly(true);
                response.addCookie(c);
                response.addHeader("Set-Cookie", "other=1; Path=/x; SameSite=Strict");
                response.addHeader("Connection", "X-Secret");
                response.addHeader("X-Secret", "hop");
                response.addHeader("Keep-Alive", "timeout=5");
                response.setStatus(201);
                text(response, "cookies");
            } else if (path.startsWith("/health")) {
                text(response, "healthy");
            } else {
                text(response, name + " " + path);
            }
        }

        private void text(HttpServletResponse response, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            response.setContentType("text/plain;charset=utf-8");
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        }

        private void hold(HttpServletRequest request, HttpServletResponse response, String key) {
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            CountDownLatch latch = AppNode.this.hold(key);
            held.incrementAndGet();
            new Thread(() -> {
                try {
                    latch.await();
                    held.decrementAndGet();
                    text((HttpServletResponse) async.getResponse(), name + " held " + key);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException | IllegalStateException e) {
                    // the client went away
                } finally {
                    try {
                        async.complete();
                    } catch (IllegalStateException e) {
                        // already completed by a timeout
                    }
                }
            }, "hold-" + key).start();
        }

        /** Counts the body with non-blocking reads, so slow uploads hold no thread; answers the count. */
        private void upload(HttpServletRequest request, HttpServletResponse response) throws IOException {
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            ServletInputStream in = request.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long[] count = {0};
            in.setReadListener(new ReadListener() {
                @Override
                public void onDataAvailable() throws IOException {
                    while (in.isReady()) {
                        int n = in.read(buffer);
                        if (n < 0) {
                            return;
                        }
                        count[0] += n;
                        bodyBytes.addAndGet(n);
                    }
                }

                @Override
                public void onAllDataRead() throws IOException {
                    text((HttpServletResponse) async.getResponse(), name + " read " + count[0]);
                    async.complete();
                }

                @Override
                public void onError(Throwable t) {
                    async.complete();
                }
            });
        }

        private void download(HttpServletRequest request, HttpServletResponse response) throws IOException {
            long bytes = Long.parseLong(request.getParameter("bytes"));
            response.setContentType("application/octet-stream");
            if (request.getParameter("chunked") == null) {
                response.setContentLengthLong(bytes);
            }
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) i;
            }
            OutputStream out = response.getOutputStream();
            for (long left = bytes; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
    }
}
