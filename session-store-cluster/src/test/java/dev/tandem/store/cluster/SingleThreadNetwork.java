package dev.tandem.store.cluster;

import dev.tandem.cluster.ClusterMember;
import dev.tandem.cluster.ClusterTopology;
import dev.tandem.cluster.ClusterTransport;
import dev.tandem.cluster.RequestHandler;
import dev.tandem.cluster.SimulatedFaults;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A network of {@link ClusterTransport}s that runs everything (messages, answers, the store's own
 * background steps) as tasks of one queue on the test's thread: the seed of a deterministic
 * simulator. Code that blocked on a future would never finish here, so the tests prove the
 * protocol never does.
 */
final class SingleThreadNetwork {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final Map<String, RequestHandler> handlers = new HashMap<>(); // server name + " " + web-app
    private final Set<String> down = new HashSet<>();
    /** Servers whose next request's connection breaks (the peer is not marked down). */
    private final Set<String> breakNext = new HashSet<>();
    /** Servers whose requests are lost on the way (a process about to die). */
    private final Set<String> losing = new HashSet<>();
    private final ClusterTopology topology;

    SingleThreadNetwork(ClusterTopology topology) {
        this.topology = topology;
    }

    /** The executor the stores run their background steps on. */
    Executor executor() {
        return tasks::add;
    }

    void down(String server) {
        down.add(server);
    }

    /** {@code server} is reachable again (its requests too, if it was restarted after {@link #loseRequestsFrom}). */
    void up(String server) {
        down.remove(server);
        losing.remove(server);
    }

    /** The next request to {@code server} fails as a connection lost under it would, and the peer stays up. */
    void breakNextRequestTo(String server) {
        breakNext.add(server);
    }

    /** Requests from {@code server} are lost on the way from now on: it never hears back. */
    void loseRequestsFrom(String server) {
        losing.add(server);
    }

    /** Runs tasks until {@code operation} completes; fails if nothing is left to run before it does. */
    <T> T run(CompletableFuture<T> operation) {
        while (!operation.isDone()) {
            Runnable next = tasks.poll();
            if (next == null) {
                throw new AssertionError("the operation waits for something that will never happen");
            }
            next.run();
        }
        return operation.join();
    }

    /** Runs every queued task (background backups included). */
    void settle() {
        for (Runnable next; (next = tasks.poll()) != null; ) {
            next.run();
        }
    }

    ClusterTransport transport(String name) {
        ClusterMember self = topology.byName(name).orElseThrow();
        return new ClusterTransport() {
            @Override
            public ClusterMember self() {
                return self;
            }

            @Override
            public ClusterTopology topology() {
                return topology;
            }

            @Override
            public CompletableFuture<byte[]> request(ClusterMember peer, String webApp, int type, byte[] payload) {
                CompletableFuture<byte[]> reply = new CompletableFuture<>();
                tasks.add(() -> {
                    RequestHandler handler = handlers.get(peer.name() + " " + webApp);
                    if (down.contains(peer.name()) || down.contains(self.name()) || handler == null
                            || breakNext.remove(peer.name())) {
                        reply.completeExceptionally(SimulatedFaults.unavailable(peer.name()));
                        return;
                    }
                    if (losing.contains(self.name())) {
                        return;
                    }
                    handler.handle(self, type, payload.clone()).whenComplete((answer, e) -> tasks.add(() -> {
                        if (e != null) {
                            reply.completeExceptionally(e);
                        } else {
                            reply.complete(answer);
                        }
                    }));
                });
                return reply;
            }

            @Override
            public boolean isUp(ClusterMember peer) {
                return !down.contains(peer.name());
            }

            @Override
            public void register(String webApp, RequestHandler handler) {
                handlers.put(name + " " + webApp, handler);
            }

            @Override
            public void unregister(String webApp) {
                handlers.remove(name + " " + webApp);
            }
        };
    }
}
