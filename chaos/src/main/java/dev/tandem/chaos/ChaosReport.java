package dev.tandem.chaos;

import dev.tandem.examples.demo.StoreChoice;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** The one table a chaos run prints (Markdown, so it can go into RELIABILITY.md as it is), and its verdict. */
final class ChaosReport {
    private final ChaosOptions options;
    private final Tally tally;
    private final Duration driven;
    private final int checked;
    private final int probed;
    private final long invalidated;

    ChaosReport(ChaosOptions options, Tally tally, Duration driven, int checked, int probed, long invalidated) {
        this.options = options;
        this.tally = tally;
        this.driven = driven;
        this.checked = checked;
        this.probed = probed;
        this.invalidated = invalidated;
    }

    String table() {
        StringBuilder t = new StringBuilder();
        t.append("Chaos run ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT))
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(", ").append(driven.toSeconds())
                .append(" s of load\n");
        t.append("`").append(options.commandLine()).append("`\n\n");
        t.append("| measure | value |\n|---|---:|\n");
        row(t, "app nodes / client sessions / client threads",
                options.nodes() + " / " + options.sessions() + " / " + options.threads());
        row(t, "store / backup mode / balancer", options.store() + " / " + options.backupMode() + " / "
                + options.balancer());
        row(t, "requests", tally.requests.sum());
        row(t, "successful responses", tally.successes.sum());
        row(t, "writes acknowledged", tally.writesAcknowledged.sum());
        row(t, "logouts acknowledged", tally.logouts.sum());
        if (tally.errors().isEmpty()) {
            row(t, "errors", 0);
        }
        for (Map.Entry<String, Long> error : tally.errors().entrySet()) {
            row(t, "errors: " + error.getKey(), error.getValue());
        }
        row(t, "SIGKILLs", tally.kills.get());
        row(t, "graceful restarts", tally.gracefulRestarts.get());
        row(t, "failed restarts (retried)", tally.failedRestarts.get());
        row(t, "failovers (a session answered by another node than before)", tally.failovers.sum());
        row(t, "longest gap without a successful response, one session", tally.longestSessionGapMillis() + " ms");
        row(t, "longest gap without a successful response, all sessions", tally.longestGlobalGapMillis() + " ms");
        row(t, "sessions checked at the end", checked);
        row(t, "invalidated sessions probed at the end", probed + " of " + invalidated);
        row(t, "sessions lost whole (counted in the writes lost)", tally.lostSessions.sum());
        row(t, "**acknowledged writes lost**", "**" + tally.lostWrites.sum() + "**");
        row(t, "**invalidated sessions that came back**", "**" + tally.resurrected.sum() + "**");
        row(t, "**sessions served older than already seen**", "**" + tally.staleSessions() + "** ("
                + tally.staleResponses.sum() + " responses)");
        StringBuilder details = new StringBuilder();
        for (String detail : tally.details()) {
            details.append("- ").append(detail).append('\n');
        }
        if (!details.isEmpty()) {
            t.append("\nFirst violations:\n").append(details);
        }
        t.append('\n').append(verdict()).append('\n');
        return t.toString();
    }

    private static void row(StringBuilder t, String measure, Object value) {
        t.append("| ").append(measure).append(" | ").append(value).append(" |\n");
    }

    private String verdict() {
        if (tally.violations() > 0) {
            return reportOnly()
                    ? "REPORTED: " + (options.store() == StoreChoice.MEMORY ? "the memory store (negative control)"
                            : "backup-mode=async") + " lost what is counted above (expected; not a failure)."
                    : "FAILED: acknowledged writes were lost, invalidated sessions came back or sessions went back"
                            + " in time (above).";
        }
        if (tally.kills.get() < options.kills()) {
            return "FAILED: only " + tally.kills.get() + " of " + options.kills() + " kills happened; see the node"
                    + " logs in " + options.workDir();
        }
        // With one node every request fails while it is down, so the rule is for clusters only.
        if (options.nodes() > 1 && tally.successes.sum() * 2 < tally.requests.sum()) {
            return "FAILED: fewer than half the requests succeeded, so the checks prove little; see the node logs"
                    + " in " + options.workDir();
        }
        return "PASSED: 0 acknowledged writes lost, 0 invalidated sessions back, 0 sessions served older.";
    }

    /** Variants whose losses are the finding, not a failure. */
    private boolean reportOnly() {
        return options.backupMode().equals("async") || options.store() == StoreChoice.MEMORY;
    }

    int exitCode() {
        String verdict = verdict();
        if (verdict.startsWith("FAILED")) {
            return tally.violations() > 0 ? 2 : 1;
        }
        return 0;
    }
}
