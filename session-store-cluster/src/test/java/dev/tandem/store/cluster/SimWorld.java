package dev.tandem.store.cluster;

import dev.tandem.cluster.ClusterTopology;
import java.util.List;
import java.util.SplittableRandom;

/** What the parts of one simulated run share: time, the one random source, the trace, the servers, the ledger. */
record SimWorld(SimScheduler scheduler, SplittableRandom random, SimTrace trace, ClusterTopology topology,
        List<SimNode> nodes, Ledger ledger) {}
