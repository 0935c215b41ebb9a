package dev.tandem.store.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The faults of one run, drawn from its seed: which kinds are on, how often, and when. Servers are
 * killed (the process; its disk survives) or crash (the machine: the disk's last unsynced write is
 * lost too) and restart on their disk; processes pause (a long GC, a stopped VM) for up to twice
 * socket-timeout; the network partitions into random sides and heals. Message faults (drop, delay,
 * duplicate, reorder, a kill as the backup's acknowledgement arrives) are rates in the network's
 * {@link SimNetwork.Settings}. Every fault is traced and counted by kind.
 */
final class FaultSchedule {
    private final SimWorld world;
    private final SimNetwork network;
    private final LostNodes lost;
    private final boolean kills;
    private final boolean crashes;
    private final boolean pauses;
    private final boolean partitions;
    private final long meanInterval;
    private boolean stopped;

    FaultSchedule(SimWorld world, SimNetwork network, LostNodes lost) {
        this.world = world;
        this.network = network;
        this.lost = lost;
        SplittableRandom r = world.random();
        this.kills = r.nextBoolean();
        this.crashes = r.nextBoolean();
        this.pauses = r.nextBoolean();
        this.partitions = r.nextBoolean();
        this.meanInterval = 10_000 + r.nextLong(110_000);
    }

    /** The transport's timings and the message fault rates of a run; each message fault is on for half the runs. */
    static SimNetwork.Settings settings(SplittableRandom r) {
        long socketTimeout = 2_000 + r.nextLong(63_000);
        long recoverTime = 1_000 + r.nextLong(15_000);
        double drop = r.nextBoolean() ? 0 : r.nextDouble() * 0.05;
        double delay = r.nextBoolean() ? 0 : r.nextDouble() * 0.1;
        double duplicate = r.nextBoolean() ? 0 : r.nextDouble() * 0.05;
        double killAfterAck = r.nextBoolean() ? 0 : r.nextDouble() * 0.01;
        return new SimNetwork.Settings(1_000 + r.nextLong(5_000), socketTimeout, recoverTime, drop, delay,
                socketTimeout * 3 / 2, duplicate, killAfterAck);
    }

    /** Schedules node and network faults from now until {@code end}. */
    void plan(long end) {
        long t = world.scheduler().now();
        while (true) {
            t += 1 + world.random().nextLong(2 * meanInterval);
            if (t >= end) {
                return;
            }
            List<Runnable> kinds = new ArrayList<>();
            if (kills) {
                kinds.add(this::kill);
            }
            if (crashes) {
                kinds.add(this::crash);
            }
            if (pauses) {
                kinds.add(this::pause);
            }
            if (partitions) {
                kinds.add(this::partition);
            }
            if (kinds.isEmpty()) {
                return;
            }
            Runnable fault = kinds.get(world.random().nextInt(kinds.size()));
            world.scheduler().at(t, () -> {
                if (!stopped) {
                    fault.run();
                }
            });
        }
    }

    /** The final phase: no new faults; partitions heal, paused processes resume, dead ones restart. */
    void stop() {
        stopped = true;
        network.heal();
        network.quiet();
        for (SimNode n : world.nodes()) {
            if (!n.alive()) {
                restart(n);
            } else {
                n.resume();
            }
        }
    }

    private SimNode anyAlive() {
        List<SimNode> up = new ArrayList<>();
        for (SimNode n : world.nodes()) {
            if (n.alive()) {
                up.add(n);
            }
        }
        return up.isEmpty() ? null : up.get(world.random().nextInt(up.size()));
    }

    private void kill() {
        SimNode n = anyAlive();
        if (n != null) {
            world.trace().fault("kill", n.name());
            kill(n);
        }
    }

    /** The network's kill as a backup's acknowledgement arrives, before the client hears back. */
    void killNow(SimNode n) {
        kill(n);
    }

    /** A killed process keeps its disk: it is lost only until it restarts (no data is, but it serves none). */
    private void kill(SimNode n) {
        n.kill();
        long restart = restartLater(n);
        lost.lost(n.member.index(), world.scheduler().now(), restart);
        lost.unnoticed(n.member.index(), restart, restart + untilNoticed());
    }

    private void crash() {
        SimNode n = anyAlive();
        if (n != null) {
            n.kill();
            boolean dropped = n.disk.dropLastWrite();
            world.trace().fault("crash", n.name() + (dropped ? ", its disk lost its last write" : ", nothing unsynced"));
            long restart = restartLater(n);
            lost.lost(n.member.index(), world.scheduler().now(), restart);
            if (dropped) {
                lost.lost(n.member.index(), world.scheduler().now(), Long.MAX_VALUE);
            }
            lost.unnoticed(n.member.index(), restart, restart + untilNoticed());
        }
    }

    /**
     * How long after a restart peers may still treat the server as down and act as owner of its
     * sessions (recover-time), then until their next sweep tells it what it missed meanwhile.
     */
    private long untilNoticed() {
        return network.settings().recoverTime() + Simulation.SWEEP_INTERVAL;
    }

    private long restartLater(SimNode n) {
        long at = world.scheduler().now() + 500 + world.random().nextLong(30_000);
        world.scheduler().at(at, () -> {
            if (!n.alive()) {
                restart(n);
            }
        });
        return at;
    }

    private void restart(SimNode n) {
        world.trace().line("restart " + n.name() + " on its disk");
        if (stopped) {
            lost.unnoticed(n.member.index(), world.scheduler().now(), world.scheduler().now() + untilNoticed());
        }
        n.start();
    }

    private void pause() {
        SimNode n = anyAlive();
        if (n != null) {
            long millis = 100 + world.random().nextLong(2 * network.settings().socketTimeout());
            world.trace().fault("pause", n.name() + " for " + millis + "ms");
            n.pause(millis);
        }
    }

    private void partition() {
        int size = world.nodes().size();
        if (network.partitioned() || size < 2) {
            return;
        }
        int[] sides = new int[size];
        int[] count = new int[size];
        do {
            java.util.Arrays.fill(count, 0);
            for (int i = 0; i < size; i++) {
                sides[i] = world.random().nextInt(1 + world.random().nextInt(size));
                count[sides[i]]++;
            }
        } while (java.util.Arrays.stream(count).filter(c -> c > 0).count() < 2);
        long heal = world.scheduler().now() + 1_000 + world.random().nextLong(120_000);
        long lostUntil = heal + network.settings().recoverTime() + network.settings().socketTimeout();
        StringBuilder what = new StringBuilder();
        for (int i = 0; i < size; i++) {
            what.append(world.nodes().get(i).name()).append(':').append(sides[i]).append(' ');
            // Every server is cut off from another: without a quorum each side may act as owner (split brain).
            lost.lost(i, world.scheduler().now(), lostUntil);
        }
        world.trace().fault("partition", what + "until " + (heal - SimScheduler.EPOCH) / 1000.0 + "s");
        network.partition(sides);
        world.scheduler().at(heal, () -> {
            if (network.partitioned()) {
                world.trace().line("heal the partition");
                network.heal();
            }
        });
    }
}
