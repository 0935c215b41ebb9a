package dev.tandem.store.cluster;

import dev.tandem.cluster.ClusterMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One simulated server: a process running the real {@link ClusterSessions} over its {@link SimDisk}.
 * Killing it ends the process (its memory, pending work and client requests are gone); restarting
 * it starts a new incarnation over the same disk. Every action of the process runs through
 * {@link #run}, so work of a dead incarnation never runs and a paused process runs nothing until
 * it resumes.
 */
final class SimNode {
    static final String WEB_APP = "app";
    static final Duration TOMBSTONE_TIME = Duration.ofMinutes(30);

    final ClusterMember member;
    final SimDisk disk;
    private final SimScheduler scheduler;
    private final SimNetwork network;
    private final SimClock clock;
    private final SplittableRandom random;
    private final BackupMode backupMode;
    private final List<CompletableFuture<?>> clientRequests = new ArrayList<>();
    private int incarnation;
    private boolean alive;
    private long pausedUntil;
    private ClusterSessions sessions;
    private SimSessionCache cache;

    SimNode(ClusterMember member, SimScheduler scheduler, SimNetwork network, SimClock clock, SplittableRandom random,
            BackupMode backupMode) {
        this.member = member;
        this.scheduler = scheduler;
        this.network = network;
        this.clock = clock;
        this.random = random;
        this.backupMode = backupMode;
        this.disk = new SimDisk(clock, TOMBSTONE_TIME.toMillis());
    }

    String name() {
        return member.name();
    }

    boolean alive() {
        return alive;
    }

    boolean paused() {
        return alive && scheduler.now() < pausedUntil;
    }

    int incarnation() {
        return incarnation;
    }

    ClusterSessions sessions() {
        return sessions;
    }

    /** Core's memory copy of the sessions in this incarnation. */
    SimSessionCache cache() {
        return cache;
    }

    /** Starts a new process over this node's disk: nothing of the previous one's memory survives. */
    void start() {
        incarnation++;
        alive = true;
        pausedUntil = 0;
        int inc = incarnation;
        Executor executor = task -> scheduler.after(0, () -> run(inc, task));
        SimSessionCache[] made = new SimSessionCache[1];
        sessions = new ClusterSessions(WEB_APP, network.transport(this, inc), disk, clock, random.split(), backupMode,
                executor, id -> {
                    if (made[0] != null) {
                        made[0].changedElsewhere(id);
                    }
                }, () -> { });
        cache = made[0] = new SimSessionCache(sessions, clock);
    }

    /** Ends the process at once: client requests on it fail (the balancer sees the connection drop). */
    void kill() {
        alive = false;
        network.unregister(this);
        List<CompletableFuture<?>> pending = new ArrayList<>(clientRequests);
        clientRequests.clear();
        for (CompletableFuture<?> request : pending) {
            request.completeExceptionally(new IllegalStateException("server " + name() + " was killed"));
        }
    }

    void resume() {
        pausedUntil = 0;
    }

    void pause(long millis) {
        pausedUntil = Math.max(pausedUntil, scheduler.now() + millis);
    }

    /** Runs {@code action} as this process, incarnation {@code inc}: dropped if it died, deferred while paused. */
    void run(int inc, Runnable action) {
        if (!alive || inc != incarnation) {
            return;
        }
        if (scheduler.now() < pausedUntil) {
            scheduler.at(pausedUntil, () -> run(inc, action));
            return;
        }
        action.run();
    }

    /**
     * A client's request to this process: refused if it is dead, run when it is not paused, and
     * failed if the process dies before answering (the outcome is then unknown to the client).
     */
    <T> CompletableFuture<T> request(Supplier<CompletableFuture<T>> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!alive) {
            result.completeExceptionally(new IllegalStateException("server " + name() + " refused the connection"));
            return result;
        }
        clientRequests.add(result);
        result.whenComplete((r, e) -> clientRequests.remove(result));
        int inc = incarnation;
        scheduler.after(0, () -> run(inc, () -> {
            CompletableFuture<T> operationResult;
            try {
                operationResult = operation.get();
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            operationResult.whenComplete((r, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(r);
                }
            });
        }));
        return result;
    }
}
