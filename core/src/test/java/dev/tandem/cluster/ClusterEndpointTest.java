package dev.tandem.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClusterEndpointTest {
    private final TestCluster cluster = new TestCluster("a", "b", "c");

    @AfterEach
    void close() {
        cluster.close();
    }

    /** Answers with who answered, for which web-app and type, who asked, and the payload. */
    private static RequestHandler echo(String self, String webApp) {
        return (from, type, payload) -> CompletableFuture.completedFuture(
                (self + "/" + webApp + "/" + type + "/" + from.name() + "/" + new String(payload, UTF_8)).getBytes(UTF_8));
    }

    private static String call(ClusterTransport from, ClusterMember to, String webApp, int type, String payload)
            throws Exception {
        return new String(from.request(to, webApp, type, payload.getBytes(UTF_8)).get(10, TimeUnit.SECONDS), UTF_8);
    }

    private static Throwable failure(CompletableFuture<byte[]> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void requestsReachTheHandlerOfTheirWebAppOnTheirPeer() throws Exception {
        Map<String, ClusterEndpoint> nodes = new HashMap<>();
        for (String name : List.of("a", "b", "c")) {
            ClusterEndpoint e = cluster.start(name);
            e.register("shop", echo(name, "shop"));
            e.register("blog", echo(name, "blog"));
            nodes.put(name, e);
        }
        assertEquals("b/shop/2/a/x", call(nodes.get("a"), cluster.member("b"), "shop", 2, "x"));
        assertEquals("b/blog/3/a/y", call(nodes.get("a"), cluster.member("b"), "blog", 3, "y"));
        assertEquals("c/shop/239/a/", call(nodes.get("a"), cluster.member("c"), "shop", 239, ""));
        assertEquals("a/blog/1/c/z", call(nodes.get("c"), cluster.member("a"), "blog", 1, "z"));
        assertEquals("b/shop/2/c/w", call(nodes.get("c"), cluster.member("b"), "shop", 2, "w"));
    }

    @Test
    void manyThreadsGetEachTheirOwnAnswer() throws Exception {
        ClusterEndpoint a = cluster.start("a");
        ClusterEndpoint b = cluster.start("b");
        b.register("shop", echo("b", "shop"));
        // Answer "blog" out of order, from another thread, so responses overtake each other.
        ExecutorService late = Executors.newFixedThreadPool(4);
        b.register("blog", (from, type, payload) -> CompletableFuture.supplyAsync(
                () -> ("blog:" + new String(payload, UTF_8)).getBytes(UTF_8), late));
        try {
            callFromSixteenThreads(a, cluster.member("b"), 200, (thread, i) -> i % 2 == 0
                    ? new Call("shop", 7, "b/shop/7/a/" + thread + "-" + i)
                    : new Call("blog", 7, "blog:" + thread + "-" + i));
        } finally {
            late.shutdownNow();
        }
    }

    /** One request: where it goes, and the answer it must get. */
    private record Call(String webApp, int type, String expected) {}

    /**
     * 16 threads each send {@code perThread} requests (payload {@code thread-i}), 50 in flight per
     * thread, 800 in all: under the handler queue (1024), whose overflow is answered BUSY by design,
     * however slowly the machine runs the handlers. Every answer is checked.
     */
    private static void callFromSixteenThreads(ClusterEndpoint from, ClusterMember to, int perThread,
            BiFunction<Integer, Integer, Call> call) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                all.add(callers.submit(() -> {
                    for (int window = 0; window < perThread; window += 50) {
                        List<CompletableFuture<byte[]>> sent = new ArrayList<>();
                        for (int i = window; i < window + 50; i++) {
                            Call c = call.apply(thread, i);
                            sent.add(from.request(to, c.webApp(), c.type(), (thread + "-" + i).getBytes(UTF_8)));
                        }
                        for (int i = window; i < window + 50; i++) {
                            assertEquals(call.apply(thread, i).expected(),
                                    new String(sent.get(i - window).get(30, TimeUnit.SECONDS), UTF_8));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void requestsAnsweredAtOnceRunOnTheReaderThreadAndEveryAnswerArrives() throws Exception {
        ClusterEndpoint a = cluster.start("a");
        ClusterEndpoint b = cluster.start("b");
        Set<String> quickThreads = ConcurrentHashMap.newKeySet();
        ExecutorService late = Executors.newFixedThreadPool(2);
        b.register("shop", new RequestHandler() {
            @Override
            public CompletionStage<byte[]> handle(ClusterMember from, int type, byte[] payload) {
                if (type == 7) {
                    quickThreads.add(Thread.currentThread().getName());
                    return CompletableFuture.completedFuture(("quick:" + new String(payload, UTF_8)).getBytes(UTF_8));
                }
                // Completed later on a thread of nobody's: the endpoint must still write the answer.
                return CompletableFuture.supplyAsync(() -> ("late:" + new String(payload, UTF_8)).getBytes(UTF_8), late);
            }

            @Override
            public boolean answersAtOnce(ClusterMember from, int type) {
                return type == 7;
            }
        });
        try {
            callFromSixteenThreads(a, cluster.member("b"), 400, (thread, i) -> i % 5 == 0
                    ? new Call("shop", 8, "late:" + thread + "-" + i)
                    : new Call("shop", 7, "quick:" + thread + "-" + i));
        } finally {
            late.shutdownNow();
        }
        assertTrue(quickThreads.stream().noneMatch(name -> name.contains("-handler-")),
                "answered at once on the connections' reader threads, not the handler pool: " + quickThreads);
    }

    @Test
    void aFailingHandlerBecomesAnErrorForTheCallerOnly() throws Exception {
        ClusterEndpoint a = cluster.start("a");
        ClusterEndpoint b = cluster.start("b");
        b.register("shop", (from, type, payload) -> {
            if (type == 9) {
                throw new IllegalStateException("no such session");
            }
            if (type == 10) {
                return CompletableFuture.failedFuture(new IllegalStateException("disk full"));
            }
            return CompletableFuture.completedFuture(payload);
        });
        Throwable thrown = failure(a.request(cluster.member("b"), "shop", 9, new byte[0]));
        RemoteRequestException e = assertInstanceOf(RemoteRequestException.class, thrown);
        assertEquals(RemoteRequestException.Reason.HANDLER_FAILED, e.reason());
        assertTrue(e.getMessage().contains("no such session"), e.getMessage());
        assertTrue(failure(a.request(cluster.member("b"), "shop", 10, new byte[0])).getMessage().contains("disk full"));
        assertEquals("ok", call(a, cluster.member("b"), "shop", 1, "ok"), "the connection still serves");
    }

    @Test
    void aWebAppNotDeployedOnThePeerIsAnErrorNotAClosedConnection() throws Exception {
        ClusterEndpoint a = cluster.start("a");
        ClusterEndpoint b = cluster.start("b");
        b.register("shop", echo("b", "shop"));
        RemoteRequestException e = assertInstanceOf(RemoteRequestException.class,
                failure(a.request(cluster.member("b"), "blog", 2, new byte[0])));
        assertEquals(RemoteRequestException.Reason.NO_HANDLER, e.reason());
        b.unregister("shop");
        assertEquals(RemoteRequestException.Reason.NO_HANDLER, ((RemoteRequestException)
                failure(a.request(cluster.member("b"), "shop", 2, new byte[0]))).reason());
        b.register("shop", echo("b", "shop"));
        assertEquals("b/shop/2/a/again", call(a, cluster.member("b"), "shop", 2, "again"));
        assertThrows(IllegalStateException.class, () -> b.register("shop", echo("b", "shop")));
    }

    @Test
    void requestsLargerThanTheMaximumFrameFailBeforeSending() throws Exception {
        ClusterEndpoint a = cluster.start("a", Map.of("max-frame-size", "64k"), java.time.Clock.systemUTC());
        ClusterEndpoint b = cluster.start("b", Map.of("max-frame-size", "64k"), java.time.Clock.systemUTC());
        b.register("shop", (from, type, payload) -> CompletableFuture.completedFuture(new byte[type == 2 ? 70_000 : 60_000]));
        assertInstanceOf(IllegalArgumentException.class, failure(a.request(cluster.member("b"), "shop", 1, new byte[65_536])));
        assertEquals(60_000, a.request(cluster.member("b"), "shop", 1, new byte[60_000]).get(10, TimeUnit.SECONDS).length);
        RemoteRequestException e = assertInstanceOf(RemoteRequestException.class,
                failure(a.request(cluster.member("b"), "shop", 2, new byte[0])));
        assertTrue(e.getMessage().contains("max-frame-size"), e.getMessage());
    }

    @Test
    void misuseIsRefusedAtTheCall() {
        ClusterEndpoint a = cluster.start("a");
        ClusterMember stranger = new TestCluster("z").member("z");
        assertThrows(IllegalArgumentException.class, () -> a.request(stranger, "shop", 2, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> a.request(cluster.member("b"), "shop", 0, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> a.request(cluster.member("b"), "shop", 240, new byte[0]));
    }

    @Test
    void webAppsOfOneJvmShareOneEndpointUntilTheLastReleasesIt() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Map<String, String> params = Map.of("cluster", "solo=127.0.0.1:" + port, "server-id", "solo");
        ClusterConfig config = ClusterConfig.parse(params);
        ClusterEndpoint first = ClusterEndpoint.acquire(config);
        assertSame(first, ClusterEndpoint.acquire(ClusterConfig.parse(params)), "parsed again by a second web-app");
        first.release();
        Map<String, String> other = new HashMap<>(params);
        other.put("idle-time", "1s");
        assertThrows(IllegalArgumentException.class, () -> ClusterEndpoint.acquire(ClusterConfig.parse(other)),
                "one endpoint per address, so every web-app must agree on its settings");
        other.remove("idle-time");
        other.put("cluster-secret", "another-long-enough-secret");
        assertThrows(IllegalArgumentException.class, () -> ClusterEndpoint.acquire(ClusterConfig.parse(other)));
        first.release();
        assertThrows(IllegalStateException.class, first::release);
        ClusterEndpoint reopened = ClusterEndpoint.acquire(config);
        try {
            assertNotSame(first, reopened, "the last release closed it");
        } finally {
            reopened.release();
        }
    }
}
