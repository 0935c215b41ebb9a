package dev.tandem.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 20: many POSTs at once through a web tier whose HTTP client has so few connections per app
 * server that exchanges queue for one. Jetty's client then sends a queued exchange, and reads the
 * next response of a connection it has just released, on whichever thread drives the queue or the
 * connection, often a container thread serving another request. On Tomcat that used to leave two
 * request threads each waiting for the other's processor lock, and their clients timing out. Every
 * request must be answered with its own body echoed, and no thread may be deadlocked.
 */
@Timeout(120)
class ConcurrentPostsTest {
    /** How long POSTs are sent; then they must all be answered within {@link #DEADLINE}. */
    private static final Duration LOAD = Duration.ofSeconds(5);
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final int CLIENTS = 48;
    /** 24 connections for 48 clients: exchanges queue, and connections are released and reused all the time. */
    private static final int CONNECTIONS_PER_SERVER = 8;

    @Test
    void manyConcurrentPostsThroughTomcatAreAllAnsweredAndNoThreadDeadlocks() throws Exception {
        postConcurrently(WebTier.Builder::startOnTomcat);
    }

    @Test
    void manyConcurrentPostsThroughJettyAreAllAnsweredAndNoThreadDeadlocks() throws Exception {
        postConcurrently(WebTier.Builder::start);
    }

    private static void postConcurrently(Function<WebTier.Builder, WebTier> container) throws Exception {
        try (AppNode a = AppNode.start("a"); AppNode b = AppNode.start("b"); AppNode c = AppNode.start("c");
                WebTier web = container.apply(WebTier.with("cluster", a.entry() + " " + b.entry() + " " + c.entry())
                        .connectionsPerServer(CONNECTIONS_PER_SERVER))) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            long start = System.nanoTime();
            Semaphore clients = new Semaphore(CLIENTS);
            Random random = new Random(20);
            List<CompletableFuture<String>> answers = new ArrayList<>();
            while (System.nanoTime() - start < LOAD.toNanos()) {
                if (!clients.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    assertNoThreadDeadlocked(answers);
                    continue;
                }
                int i = answers.size();
                // Mostly small bodies, which arrive with the headers, so many requests are in the filter
                // at once; every tenth spans several of the filter's 16 KB buffers. Every other one chunked.
                byte[] body = new byte[1 + random.nextInt(i % 10 == 0 ? 64 * 1024 : 2048)];
                random.nextBytes(body);
                HttpRequest.BodyPublisher publisher = i % 2 == 0 ? HttpRequest.BodyPublishers.ofByteArray(body)
                        : HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
                answers.add(http.sendAsync(HttpRequest.newBuilder(web.uri("/echo/" + i)).timeout(DEADLINE).POST(publisher).build(),
                                HttpResponse.BodyHandlers.ofByteArray())
                        .whenComplete((r, e) -> clients.release())
                        .thenApply(r -> r.statusCode() == 200 && Arrays.equals(body, r.body()) ? "echoed"
                                : "POST " + i + ": status " + r.statusCode() + ", " + r.body().length + " of " + body.length + " bytes"));
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            // Until every POST is answered, the deadline, or a deadlock, which fails at once with the threads' stacks.
            while (!all.isDone() && System.nanoTime() < deadline) {
                assertNoThreadDeadlocked(answers);
                try {
                    all.get(100, TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // not all answered yet, or one failed: told below
                }
            }
            assertNoThreadDeadlocked(answers);
            List<String> wrong = answers.stream()
                    .map(f -> f.handle((r, e) -> e != null ? "failed: " + e : r).getNow("unanswered after " + DEADLINE))
                    .filter(outcome -> !outcome.equals("echoed")).toList();
            assertEquals(List.of(), wrong.subList(0, Math.min(5, wrong.size())),
                    wrong.size() + " of " + answers.size() + " POSTs not echoed (the first 5 shown)");
        }
    }

    private static void assertNoThreadDeadlocked(List<CompletableFuture<String>> answers) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] ids = threads.findDeadlockedThreads();
        if (ids != null) {
            long answered = answers.stream().filter(CompletableFuture::isDone).count();
            StringBuilder dump = new StringBuilder(ids.length + " threads deadlocked, " + answered + " of " + answers.size()
                    + " POSTs sent answered:\n");
            for (ThreadInfo t : threads.getThreadInfo(ids, true, true)) {
                dump.append(describe(t));
            }
            fail(dump.toString());
        }
    }

    /** The whole stack with the locks held at each frame; {@link ThreadInfo#toString} stops at eight frames. */
    private static String describe(ThreadInfo t) {
        StringBuilder s = new StringBuilder("\"").append(t.getThreadName()).append("\" ").append(t.getThreadState())
                .append(" waiting for ").append(t.getLockName()).append(" held by \"").append(t.getLockOwnerName()).append("\"\n");
        StackTraceElement[] stack = t.getStackTrace();
        for (int i = 0; i < stack.length; i++) {
            s.append("    at ").append(stack[i]).append('\n');
            for (MonitorInfo m : t.getLockedMonitors()) {
                if (m.getLockedStackDepth() == i) {
                    s.append("      - locked ").append(m).append('\n');
                }
            }
        }
        for (LockInfo l : t.getLockedSynchronizers()) {
            s.append("    holds ").append(l).append('\n');
        }
        return s.append('\n').toString();
    }
}
