package dev.tandem.store.cluster;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Every node's clock in the simulator: the scheduler's simulated time (no skew between nodes). */
final class SimClock extends Clock {
    private final SimScheduler scheduler;

    SimClock(SimScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public long millis() {
        return scheduler.now();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(scheduler.now());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
