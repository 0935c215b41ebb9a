package dev.tandem.store.cluster;

/**
 * A broken promise found by the checks: what ({@code kind}), which session, when (simulated
 * millis; {@code issued} is when the operation that found it started), the details, and whether it was found after the cluster had settled (the final reads). {@code excused} when it happened outside the fault model the promise is
 * made under (see {@link LostNodes}), counted but not failing the run.
 */
record Violation(String kind, String session, long issued, long time, String detail, boolean settled, boolean excused) {

    Violation excuse() {
        return new Violation(kind, session, issued, time, detail, settled, true);
    }

    /** A read during the run that missed a write or went back a version (not a loss: it may catch up). */
    boolean stale() {
        return !settled && (kind.equals("older-version") || kind.equals("lost-write"));
    }

    @Override
    public String toString() {
        return String.format("%s%s at %.3fs, session %s: %s", excused ? "(excused) " : "", kind,
                (time - SimScheduler.EPOCH) / 1000.0, session, detail);
    }
}
