package dev.tandem.store.cluster;

import dev.tandem.cluster.ClusterMember;
import dev.tandem.cluster.ClusterTopology;
import dev.tandem.cluster.ClusterTransport;
import dev.tandem.cluster.RemoteRequestException;
import dev.tandem.cluster.RequestHandler;
import dev.tandem.cluster.SimulatedFaults;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The cluster port between simulated servers, honouring the {@link ClusterTransport} contract
 * under the run's message faults. A request to a peer marked down fails at once; to a dead process,
 * with {@code PeerUnavailableException} (connection refused, the peer is then marked down for
 * recover-time); across a partition, either the connect fails after connect-timeout (marked down)
 * or, on a pooled connection, nothing comes back and it fails with {@code PeerTimeoutException}
 * after socket-timeout. Dropped requests or answers also time out (the request may have run), a
 * delay beyond socket-timeout too. Random latency reorders messages (the real transport pools
 * several connections per peer); a duplicated request is delivered twice in a row.
 */
final class SimNetwork {
    /** The transport's timings and the run's message fault rates (per message). */
    record Settings(long connectTimeout, long socketTimeout, long recoverTime, double dropRate, double delayRate,
            long maxDelay, double duplicateRate, double killAfterBackupAckRate) {}

    private final SimScheduler scheduler;
    private final SplittableRandom random;
    private final SimTrace trace;
    private final ClusterTopology topology;
    private Settings settings;
    private SimNode[] nodes;
    private final RequestHandler[] handlers;
    private final int[] side;
    /** Each server's transport of its current incarnation. */
    private final Transport[] transports;
    private final long[] lastDelivered;
    private long messages;
    private Consumer<SimNode> crashAfterBackupAck = node -> { };
    /** -Dtandem.sim.messages=true traces every message (for replaying one seed; the trace is long). */
    private static final boolean MESSAGES = Boolean.getBoolean("tandem.sim.messages");
    private static final String[] TYPES = {"?", "VERSION", "LOAD", "STORE", "REPLICATE", "REPLICATE_FULL", "TOUCH",
        "REMOVE", "READ_COPY", "OWNER_VERSION", "MISSED", "LOAD_IF_CHANGED"};

    SimNetwork(SimScheduler scheduler, SplittableRandom random, SimTrace trace, ClusterTopology topology, Settings settings) {
        this.scheduler = scheduler;
        this.random = random;
        this.trace = trace;
        this.topology = topology;
        this.settings = settings;
        int n = topology.size();
        this.handlers = new RequestHandler[n];
        this.transports = new Transport[n];
        this.side = new int[n];
        this.lastDelivered = new long[n * n];
    }

    void connect(List<SimNode> all, Consumer<SimNode> crashAfterBackupAck) {
        this.nodes = all.toArray(SimNode[]::new);
        this.crashAfterBackupAck = crashAfterBackupAck;
    }

    Settings settings() {
        return settings;
    }

    /** Ends message faults (the run's final phase): timings stay. */
    void quiet() {
        settings = new Settings(settings.connectTimeout(), settings.socketTimeout(), settings.recoverTime(), 0, 0, 0, 0, 0);
    }

    /** Splits the servers: {@code sides[i]} is server i's side; servers on different sides cannot talk. */
    void partition(int[] sides) {
        System.arraycopy(sides, 0, side, 0, side.length);
    }

    void heal() {
        Arrays.fill(side, 0);
    }

    boolean partitioned() {
        return Arrays.stream(side).anyMatch(s -> s != side[0]);
    }

    boolean linked(int a, int b) {
        return side[a] == side[b];
    }

    void unregister(SimNode node) {
        handlers[node.member.index()] = null;
    }

    ClusterTransport transport(SimNode node, int incarnation) {
        Transport transport = new Transport(node, incarnation);
        transports[node.member.index()] = transport;
        return transport;
    }

    private long latency() {
        long millis = 1 + random.nextInt(3);
        if (settings.delayRate() > 0 && random.nextDouble() < settings.delayRate()) {
            long extra = 1 + random.nextLong(settings.maxDelay());
            trace.fault("delay", null);
            millis += extra;
        }
        return millis;
    }

    private boolean chance(double rate, String fault) {
        if (rate > 0 && random.nextDouble() < rate) {
            trace.fault(fault, null);
            return true;
        }
        return false;
    }

    private void message(String what) {
        if (MESSAGES) {
            trace.line(what);
        }
    }

    private static String describe(int type, byte[] payload) {
        String name = type < TYPES.length ? TYPES[type] : String.valueOf(type);
        try {
            return switch (type) {
                case MessageType.REPLICATE -> {
                    WireFormat.Replica r = WireFormat.readReplica(payload);
                    yield name + " " + r.change().id() + " " + r.base() + "->" + r.version() + " "
                            + r.change().changed().keySet() + " -" + r.change().removed();
                }
                case MessageType.REPLICATE_FULL -> {
                    var r = WireFormat.readRecord(payload);
                    yield name + " " + r.id() + " v" + r.version() + " " + r.attributes().keySet();
                }
                case MessageType.STORE -> name + " " + WireFormat.readChange(payload).id();
                case MessageType.TOUCH -> name + " " + WireFormat.readIdAndNumber(payload).id();
                case MessageType.LOAD_IF_CHANGED -> {
                    WireFormat.IdAndNumber check = WireFormat.readIdAndNumber(payload);
                    yield name + " " + check.id() + " known v" + check.number();
                }
                case MessageType.MISSED -> name + " " + WireFormat.readIds(payload);
                default -> name + " " + WireFormat.readId(payload);
            };
        } catch (RuntimeException e) {
            return name;
        }
    }

    private static String describeReply(byte[] bytes, Throwable error) {
        if (error != null) {
            return "failed: " + error;
        }
        try {
            String status = String.valueOf(WireFormat.status(bytes));
            String number = bytes.length >= 9 ? " number " + WireFormat.number(bytes) : "";
            return "status " + status + number + " (" + bytes.length + " bytes)";
        } catch (RuntimeException e) {
            return bytes.length + " bytes";
        }
    }

    private final class Transport implements ClusterTransport {
        private final SimNode self;
        private final int incarnation;
        private final long[] downUntil = new long[topology.size()];

        Transport(SimNode self, int incarnation) {
            this.self = self;
            this.incarnation = incarnation;
        }

        @Override
        public ClusterMember self() {
            return self.member;
        }

        @Override
        public ClusterTopology topology() {
            return topology;
        }

        @Override
        public boolean isUp(ClusterMember peer) {
            return downUntil[peer.index()] <= scheduler.now();
        }

        @Override
        public void register(String webApp, RequestHandler handler) {
            handlers[self.member.index()] = handler;
        }

        @Override
        public void unregister(String webApp) {
            handlers[self.member.index()] = null;
        }

        /** Runs {@code action} in this process after {@code delay}, unless it died meanwhile. */
        private void here(long delay, Runnable action) {
            scheduler.after(delay, () -> self.run(incarnation, action));
        }

        private void failUnavailable(ClusterMember peer, CompletableFuture<byte[]> reply, boolean markDown) {
            if (markDown) {
                downUntil[peer.index()] = scheduler.now() + settings.recoverTime();
            }
            reply.completeExceptionally(SimulatedFaults.unavailable(peer.name()));
        }

        @Override
        public CompletableFuture<byte[]> request(ClusterMember peer, String webApp, int type, byte[] payload) {
            if (peer.index() >= nodes.length || peer.equals(self.member) || type < 1 || type > 239) {
                throw new IllegalArgumentException("bad request to " + peer.name() + " of type " + type);
            }
            CompletableFuture<byte[]> reply = new CompletableFuture<>();
            if (MESSAGES) {
                String what = self.name() + "->" + peer.name() + " " + describe(type, payload);
                reply.whenComplete((bytes, e) -> message("reply at " + self.name() + " to " + what + ": "
                        + describeReply(bytes, e)));
            }
            if (!isUp(peer)) {
                here(0, () -> failUnavailable(peer, reply, false));
                return reply;
            }
            here(settings.socketTimeout(), () -> reply.completeExceptionally(SimulatedFaults.timeout(peer.name())));
            SimNode target = nodes[peer.index()];
            int from = self.member.index();
            if (!linked(from, peer.index())) {
                if (random.nextBoolean()) {
                    here(settings.connectTimeout(), () -> failUnavailable(peer, reply, true));
                } // else it went out on a pooled connection and nothing comes back: the timeout answers
                return reply;
            }
            if (!target.alive()) {
                here(1, () -> failUnavailable(peer, reply, true)); // connection refused
                return reply;
            }
            if (chance(settings.dropRate(), "drop")) {
                message(self.name() + "->" + peer.name() + " " + describe(type, payload) + " dropped");
                return reply;
            }
            long message = ++messages;
            int targetIncarnation = target.incarnation();
            byte[] sent = payload.clone();
            long delay = latency();
            message("msg " + message + " " + self.name() + "->" + peer.name() + " " + describe(type, payload)
                    + " sent, arrives in " + delay + "ms");
            scheduler.after(delay, () -> deliver(target, targetIncarnation, message, type, sent, reply));
            if (chance(settings.duplicateRate(), "duplicate")) {
                scheduler.after(delay, () -> deliver(target, targetIncarnation, message, type, sent,
                        new CompletableFuture<>()));
            }
            return reply;
        }

        private void deliver(SimNode target, int targetIncarnation, long message, int type, byte[] payload,
                CompletableFuture<byte[]> reply) {
            int from = self.member.index();
            int to = target.member.index();
            if (!target.alive() || target.incarnation() != targetIncarnation) {
                here(0, () -> failUnavailable(target.member, reply, false)); // the connection died with the process
                return;
            }
            if (!linked(from, to)) {
                return; // lost in the partition: the timeout answers
            }
            if (message < lastDelivered[from * nodes.length + to]) {
                trace.fault("reorder", null);
            }
            lastDelivered[from * nodes.length + to] = Math.max(message, lastDelivered[from * nodes.length + to]);
            target.run(targetIncarnation, () -> {
                // As the real endpoint: a peer that connected to this server is up, whatever recover-time says.
                transports[to].downUntil[from] = Math.min(transports[to].downUntil[from], scheduler.now());
                RequestHandler handler = handlers[to];
                CompletionStage<byte[]> answer;
                try {
                    answer = handler.handle(self.member, type, payload.clone());
                } catch (RuntimeException e) {
                    answer = CompletableFuture.failedFuture(e);
                }
                answer.whenComplete((bytes, e) -> {
                    message("msg " + message + " handled by " + target.name() + ": " + describeReply(bytes, e));
                    answerBack(target, type, bytes, e, reply);
                });
            });
        }

        private void answerBack(SimNode target, int type, byte[] bytes, Throwable error, CompletableFuture<byte[]> reply) {
            if (chance(settings.dropRate(), "drop")) {
                return;
            }
            scheduler.after(latency(), () -> {
                if (!linked(self.member.index(), target.member.index())) {
                    return;
                }
                self.run(incarnation, () -> {
                    if (type == MessageType.REPLICATE && error == null && !reply.isDone()
                            && chance(settings.killAfterBackupAckRate(), "kill-after-backup-ack")) {
                        trace.line("FAULT kill-after-backup-ack: " + self.name() + " dies as " + target.name()
                                + "'s acknowledgement arrives");
                        crashAfterBackupAck.accept(self);
                        return;
                    }
                    if (error == null) {
                        reply.complete(bytes);
                    } else {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        reply.completeExceptionally(cause instanceof RemoteRequestException
                                ? cause : SimulatedFaults.handlerFailed(target.name(), cause.toString()));
                    }
                });
            });
        }
    }
}
