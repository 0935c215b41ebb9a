package dev.tandem.store.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tandem.cluster.ClusterMember;
import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.StoredSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One simulated browser, through a balancer: it creates a session, then sends the requests a web
 * app makes (read-modify-write of one attribute, two parallel requests changing different
 * attributes, reads, read-only accesses, invalidation, changeSessionId, idling past expiry).
 * A sticky balancer sends each request to the first live server of the session's ring, as the
 * dispatch filter does; a dumb one to any live server. Everything it is told goes to the {@link Ledger}.
 */
final class SimClient {
    enum Balancer { STICKY, DUMB }

    private static final String[] ATTRIBUTES = {"k0", "k1", "k2", "k3"};

    private final String name;
    private final Balancer balancer;
    private final SimWorld world;
    private final long stopAt;
    private String id;
    private int writes;

    SimClient(String name, Balancer balancer, SimWorld world, long stopAt) {
        this.name = name;
        this.balancer = balancer;
        this.world = world;
        this.stopAt = stopAt;
    }

    void start() {
        world.scheduler().after(world.random().nextInt(5_000), this::next);
    }

    private void next() {
        long now = world.scheduler().now();
        if (now >= stopAt) {
            return;
        }
        if (id != null && world.ledger().session(id).mayHaveExpired(now)) {
            id = null; // the browser's session timed out: the next request starts a new one
        }
        if (id == null) {
            create();
            return;
        }
        int dice = world.random().nextInt(100);
        if (dice < 40) {
            write(attribute(), this::done);
        } else if (dice < 50) {
            parallel();
        } else if (dice < 72) {
            read();
        } else if (dice < 82) {
            touch();
        } else if (dice < 86) {
            invalidate();
        } else if (dice < 91) {
            changeId();
        } else if (dice < 93) {
            world.trace().line(name + " idles");
            world.scheduler().after(60_000 + world.random().nextInt(300_000), this::next);
        } else {
            write(attribute(), this::done);
        }
    }

    private void done() {
        world.scheduler().after(10 + world.random().nextInt(3_000), this::next);
    }

    private String attribute() {
        return ATTRIBUTES[world.random().nextInt(ATTRIBUTES.length)];
    }

    private String value() {
        return name + "w" + (++writes);
    }

    private SimNode pick(String session) {
        List<SimNode> up = new ArrayList<>();
        for (SimNode n : world.nodes()) {
            if (n.alive()) {
                up.add(n);
            }
        }
        if (up.isEmpty()) {
            return null;
        }
        if (balancer == Balancer.STICKY && session != null) {
            for (ClusterMember m : Ring.of(session, world.topology())) {
                SimNode n = world.nodes().get(m.index());
                if (n.alive()) {
                    return n;
                }
            }
        }
        return up.get(world.random().nextInt(up.size()));
    }

    private void create() {
        SimNode node = pick(null);
        if (node == null) {
            done();
            return;
        }
        String newId = node.sessions().newSessionIdPrefix() + randomChars(SessionId.LENGTH - 2);
        int maxInactive = world.random().nextInt(5) == 0 ? 30 + world.random().nextInt(270) : 1800;
        long now = world.scheduler().now();
        Ledger.Session s = world.ledger().create(newId, now, maxInactive);
        String value = value();
        Ledger.Write w = world.ledger().write(s, "k0", value, now);
        SessionChange change = new SessionChange(newId, now, now, maxInactive, Map.of("k0", bytes(value)), Set.of());
        String what = name + " create " + newId + " k0=" + value + " via " + node.name();
        world.trace().line(what);
        node.request(() -> node.cache().saveNew(change)).whenComplete((version, e) -> {
            if (e == null) {
                world.ledger().acked(s, List.of(w), 0, version, now, world.scheduler().now());
                id = newId;
            }
            outcome(what, version, e);
            done();
        });
    }

    /** A request that loads the session and saves one attribute changed (or removed, one time in five). */
    private void write(String attribute, Runnable then) {
        String session = id;
        SimNode node = pick(session);
        if (node == null) {
            then.run();
            return;
        }
        Ledger.Session s = world.ledger().session(session);
        String value = world.random().nextInt(5) == 0 ? null : value();
        String what = name + " write " + attribute + "=" + value + " on " + session + " via " + node.name();
        world.trace().line(what);
        Ledger.Expectation e = world.ledger().expect(s, world.scheduler().now());
        SimSessionCache[] cache = new SimSessionCache[1];
        long[] generation = new long[1];
        node.request(() -> {
            cache[0] = node.cache();
            generation[0] = cache[0].generation(session);
            return cache[0].find(session);
        }).whenComplete((loaded, error) -> {
            if (error != null) {
                outcome(what + " (load)", null, error);
                then.run();
                return;
            }
            long now = world.scheduler().now();
            world.ledger().read(e, loaded, node.name(), now);
            if (loaded == null) {
                forget(session, what + ": the session is gone");
                then.run();
                return;
            }
            Ledger.Write w = world.ledger().write(s, attribute, value, now);
            long seen = s.maxSeenVersion;
            SessionChange change = new SessionChange(session, s.created, now, s.maxInactiveSeconds,
                    value == null ? Map.of() : Map.of(attribute, bytes(value)),
                    value == null ? Set.of(attribute) : Set.of());
            node.request(() -> node.sessions().saveAsync(change)).whenComplete((version, saveError) -> {
                if (saveError == null) {
                    world.ledger().acked(s, List.of(w), seen, version, now, world.scheduler().now());
                    cache[0].saved(change, version, generation[0]);
                } else if (ClusterNode.cause(saveError) instanceof SessionRemovedException) {
                    world.ledger().refused(s, node.name(), world.scheduler().now());
                    cache[0].forget(session);
                    forget(session, what + ": refused as invalidated");
                } else {
                    world.ledger().unknown(s, now);
                    cache[0].forget(session);
                }
                outcome(what, version, saveError);
                then.run();
            });
        });
    }

    /** Two requests of one session at once, changing different attributes. */
    private void parallel() {
        String first = attribute();
        String second = ATTRIBUTES[(List.of(ATTRIBUTES).indexOf(first) + 1 + world.random().nextInt(3)) % 4];
        int[] left = {2};
        Runnable both = () -> {
            if (--left[0] == 0) {
                done();
            }
        };
        write(first, both);
        write(second, both);
    }

    private void read() {
        String session = id;
        SimNode node = pick(session);
        if (node == null) {
            done();
            return;
        }
        Ledger.Expectation e = world.ledger().expect(world.ledger().session(session), world.scheduler().now());
        String what = name + " read " + session + " via " + node.name();
        node.request(() -> node.cache().find(session)).whenComplete((loaded, error) -> {
            if (error == null) {
                world.ledger().read(e, loaded, node.name(), world.scheduler().now());
                if (loaded == null) {
                    forget(session, what + ": the session is gone");
                }
            }
            outcome(what, loaded == null ? null : loaded.version(), error);
            done();
        });
    }

    /** A request that reads the session without changing it: core loads it and records the access. */
    private void touch() {
        String session = id;
        SimNode node = pick(session);
        if (node == null) {
            done();
            return;
        }
        world.trace().line(name + " touch " + session + " via " + node.name());
        world.ledger().session(session).touches.add(world.scheduler().now());
        node.request(() -> node.cache().find(session).thenAccept(loaded -> {
            if (loaded != null) {
                node.sessions().touch(session, world.scheduler().now());
            }
        })).whenComplete((r, e) -> done());
    }

    private void invalidate() {
        String session = id;
        SimNode node = pick(session);
        if (node == null) {
            done();
            return;
        }
        Ledger.Session s = world.ledger().session(session);
        s.removeIssued = world.scheduler().now();
        id = null;
        String what = name + " invalidate " + session + " via " + node.name();
        world.trace().line(what);
        node.request(() -> {
            node.cache().forget(session);
            return node.sessions().removeAsync(session);
        }).whenComplete((r, e) -> {
            if (e == null) {
                s.removed = world.scheduler().now();
            }
            outcome(what, null, e);
            done();
        });
    }

    /** changeSessionId: the whole session saved under a new id, then the old id removed. */
    private void changeId() {
        String old = id;
        SimNode node = pick(old);
        if (node == null) {
            done();
            return;
        }
        Ledger.Session from = world.ledger().session(old);
        Ledger.Expectation e = world.ledger().expect(from, world.scheduler().now());
        String what = name + " changeSessionId " + old + " via " + node.name();
        world.trace().line(what);
        node.request(() -> node.cache().find(old)).whenComplete((loaded, error) -> {
            if (error != null || loaded == null) {
                if (error == null) {
                    world.ledger().read(e, null, node.name(), world.scheduler().now());
                    forget(old, what + ": the session is gone");
                }
                outcome(what + " (load)", null, error);
                done();
                return;
            }
            world.ledger().read(e, loaded, node.name(), world.scheduler().now());
            moveTo(node, from, loaded, what);
        });
    }

    private void moveTo(SimNode node, Ledger.Session from, StoredSession loaded, String what) {
        long now = world.scheduler().now();
        if (!node.alive()) {
            done();
            return;
        }
        String newId = node.sessions().newSessionIdPrefix() + randomChars(SessionId.LENGTH - 2);
        Ledger.Session to = world.ledger().create(newId, now, from.maxInactiveSeconds);
        List<Ledger.Write> copied = new ArrayList<>();
        Map<String, byte[]> attributes = new LinkedHashMap<>();
        for (String a : ATTRIBUTES) {
            byte[] bytes = loaded.attributes().get(a);
            if (bytes != null) {
                copied.add(world.ledger().write(to, a, new String(bytes, UTF_8), now));
                attributes.put(a, bytes);
            }
        }
        SessionChange change = new SessionChange(newId, from.created, now, from.maxInactiveSeconds, attributes, Set.of());
        world.trace().line(what + " -> " + newId);
        node.request(() -> node.cache().saveNew(change)).thenCompose(version -> {
            world.ledger().acked(to, copied, 0, version, now, world.scheduler().now());
            id = newId;
            from.removeIssued = world.scheduler().now();
            return node.request(() -> {
                node.cache().forget(from.id);
                return node.sessions().removeAsync(from.id);
            });
        }).whenComplete((r, e) -> {
            if (e == null) {
                from.removed = world.scheduler().now();
            }
            outcome(what + " -> " + newId, null, e);
            done();
        });
    }

    private void forget(String session, String why) {
        if (session.equals(id)) {
            id = null;
        }
        world.trace().line(why);
    }

    private void outcome(String what, Long version, Throwable error) {
        world.trace().line(error == null ? what + ": ok" + (version == null ? "" : " v" + version)
                : what + ": failed, " + ClusterNode.cause(error).getClass().getSimpleName());
    }

    private String randomChars(int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(SessionId.ALPHABET.charAt(world.random().nextInt(SessionId.ALPHABET.length())));
        }
        return s.toString();
    }

    private static byte[] bytes(String value) {
        return value.getBytes(UTF_8);
    }
}
