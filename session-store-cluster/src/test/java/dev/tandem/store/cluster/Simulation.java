package dev.tandem.store.cluster;

import dev.tandem.cluster.ClusterTopology;
import dev.tandem.session.spi.StoredSession;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One seeded run of the cluster protocol (issue 10): 2 to 5 servers (3 most often) running the real
 * {@link ClusterSessions} on one thread over a {@link SimNetwork}, {@link SimClient}s working
 * through sticky and dumb balancers, a {@link FaultSchedule}, then a quiet final phase (faults end,
 * everything restarts and heals, every session is read back) and the checks. One
 * {@link SplittableRandom} seeded with the run's seed decides everything, so a seed replays its run
 * exactly.
 */
final class Simulation {
    /** What a run did and found. */
    record Result(long seed, int servers, long simulatedMillis, long events, int sessions, int promised,
            Map<String, Long> faults, List<Violation> violations, List<String> trace) {

        List<Violation> failures() {
            return violations.stream().filter(v -> !v.excused()).toList();
        }
    }

    static final long SWEEP_INTERVAL = 60_000; // core's reaper interval

    private final long seed;
    private final SimWorld world;
    private final SimNetwork network;
    private final FaultSchedule faults;
    private final LostNodes lost;

    private Simulation(long seed) {
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        SimScheduler scheduler = new SimScheduler(20_000_000);
        SimTrace trace = new SimTrace(scheduler);
        int servers = random.nextBoolean() ? 3 : 2 + random.nextInt(4);
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < servers; i++) {
            list.append((char) ('a' + i)).append("=sim:").append(7001 + i).append(' ');
        }
        ClusterTopology topology = ClusterTopology.parse("cluster", list.toString());
        SimClock clock = new SimClock(scheduler);
        List<SimNode> nodes = new ArrayList<>();
        SimNetwork.Settings settings = FaultSchedule.settings(random);
        this.world = new SimWorld(scheduler, random, trace, topology, nodes,
                new Ledger(settings.maxDelay() + 2 * settings.socketTimeout()));
        this.network = new SimNetwork(scheduler, random, trace, topology, settings);
        this.lost = new LostNodes(network.settings().recoverTime());
        for (int i = 0; i < servers; i++) {
            nodes.add(new SimNode(topology.members().get(i), scheduler, network, clock, random, BackupMode.SYNC));
        }
        this.faults = new FaultSchedule(world, network, lost);
        network.connect(nodes, faults::killNow);
    }

    static Result run(long seed) {
        return new Simulation(seed).run();
    }

    private Result run() {
        SimScheduler scheduler = world.scheduler();
        long start = scheduler.now();
        try {
            SimNetwork.Settings s = network.settings();
            world.trace().line("seed " + seed + ": " + world.nodes().size() + " servers, " + s);
            world.nodes().forEach(SimNode::start);
            long end = start + 120_000 + world.random().nextLong(480_000);
            int clients = 2 + world.random().nextInt(5);
            for (int i = 0; i < clients; i++) {
                SimClient.Balancer balancer = world.random().nextBoolean() ? SimClient.Balancer.STICKY : SimClient.Balancer.DUMB;
                world.trace().line("client c" + i + " behind a " + balancer + " balancer");
                new SimClient("c" + i, balancer, world, end).start();
            }
            for (SimNode n : world.nodes()) {
                scheduleSweeps(n, start + world.random().nextLong(SWEEP_INTERVAL));
            }
            faults.plan(end);
            scheduler.runUntil(end);
            finalPhase();
        } catch (RuntimeException | AssertionError e) {
            StringWriter stack = new StringWriter();
            e.printStackTrace(new PrintWriter(stack));
            world.ledger().violations().add(new Violation("exception", "-", scheduler.now(), scheduler.now(), stack.toString(), true, false));
        }
        List<Violation> judged = new ArrayList<>();
        for (Violation v : world.ledger().violations()) {
            Ledger.Session s = world.ledger().session(v.session());
            boolean excused = s != null && (lost.twoLostWithin(s.created, v.time(), s.ackTimes)
                    || v.stale() && lost.anyWithin(v.issued(), v.time()));
            judged.add(excused ? v.excuse() : v);
        }
        int promised = 0; // sessions whose durability was promised to the end: no two servers lost in their life
        for (Ledger.Session s : world.ledger().sessions()) {
            if (s.everAcked() && !lost.twoLostWithin(s.created, scheduler.now(), s.ackTimes)) {
                promised++;
            }
        }
        return new Result(seed, world.nodes().size(), scheduler.now() - start, scheduler.executed(),
                world.ledger().sessions().size(), promised, world.trace().faults(), judged, world.trace().lines());
    }

    private void scheduleSweeps(SimNode n, long at) {
        world.scheduler().at(at, () -> {
            sweep(n);
            scheduleSweeps(n, at + SWEEP_INTERVAL);
        });
    }

    private void sweep(SimNode n) {
        if (!n.alive()) {
            return;
        }
        n.request(() -> n.sessions().sweepExpiredAsync(world.scheduler().now())).whenComplete((ids, e) -> {
            if (e == null) {
                if (!ids.isEmpty()) {
                    world.trace().line(n.name() + " swept " + ids);
                }
                world.ledger().swept(ids, n.name(), world.scheduler().now());
            }
        });
    }

    /**
     * Faults end; once every server knows every other is up and has told each what it missed, every
     * session is read back; then time runs past every session's expiry and every disk must be empty.
     */
    private void finalPhase() {
        SimScheduler scheduler = world.scheduler();
        world.trace().line("final phase: faults end, partitions heal, every server runs");
        faults.stop();
        SimNetwork.Settings s = network.settings();
        long settle = s.recoverTime() + 2 * s.socketTimeout() + s.maxDelay() + 1_000;
        scheduler.runUntil(scheduler.now() + settle);
        for (int round = 0; round < 2; round++) {
            world.nodes().forEach(this::sweep);
            scheduler.runUntil(scheduler.now() + settle);
        }
        world.ledger().settled = true;
        List<Runnable> pending = new ArrayList<>();
        for (Ledger.Session session : world.ledger().sessions()) {
            finalRead(session, pending);
        }
        scheduler.runUntil(scheduler.now() + settle);
        for (Runnable check : pending) {
            check.run();
        }
        // Memory stays bounded: what peers missed is delivered, and every record goes once it expired.
        for (SimNode n : world.nodes()) {
            ClusterNode state = n.sessions().node();
            for (SimNode peer : world.nodes()) {
                if (peer != n && state.missed.has(peer.name())) {
                    world.ledger().violations().add(new Violation("memory", "-", scheduler.now(), scheduler.now(), n.name()
                            + " still holds missed writes for " + peer.name() + " after the cluster healed", true, false));
                }
            }
            if (state.current.size() > world.ledger().sessions().size()) {
                world.ledger().violations().add(new Violation("memory", "-", scheduler.now(), scheduler.now(), n.name() + " knows "
                        + state.current.size() + " sessions as current, more than were ever created", true, false));
            }
        }
        // Sessions last at most 30 minutes from their last access, tombstones 30 minutes from their sweep.
        scheduler.runUntil(scheduler.now() + 2 * SimNode.TOMBSTONE_TIME.toMillis() + 3 * SWEEP_INTERVAL);
        for (SimNode n : world.nodes()) {
            if (n.disk.records() > 0) {
                world.ledger().violations().add(new Violation("memory", "-", scheduler.now(), scheduler.now(), n.name() + "'s disk holds "
                        + n.disk.describe() + " after every session expired and was swept, "
                        + "and every peer was told what it missed", true, false));
            }
        }
    }

    private void finalRead(Ledger.Session session, List<Runnable> pending) {
        long now = world.scheduler().now();
        if (session.removed >= 0) {
            for (SimNode n : world.nodes()) {
                read(session, n, pending); // an invalidated session must stay gone everywhere
            }
        } else if (session.removeIssued < 0 && session.everAcked() && !session.mayHaveExpired(now)) {
            read(session, world.nodes().get(world.random().nextInt(world.nodes().size())), pending);
        }
    }

    private void read(Ledger.Session session, SimNode n, List<Runnable> pending) {
        Ledger.Expectation e = world.ledger().expect(session, world.scheduler().now());
        StoredSession[] got = new StoredSession[1];
        boolean[] done = new boolean[1];
        n.request(() -> n.sessions().loadAsync(session.id)).whenComplete((loaded, error) -> {
            done[0] = true;
            if (error != null) {
                world.ledger().violation("unavailable", session, world.scheduler().now(), "the final read via "
                        + n.name() + " failed with every server up: " + ClusterNode.cause(error));
                return;
            }
            got[0] = loaded;
            world.ledger().read(e, loaded, n.name(), world.scheduler().now());
        });
        pending.add(() -> {
            if (!done[0]) {
                world.ledger().violation("hung", session, world.scheduler().now(), "the final read via " + n.name()
                        + " never completed");
            }
        });
    }
}
