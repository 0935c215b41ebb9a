package dev.tandem.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * What a run found: one summary row per target (figure, anchor, ratio, met or missed) and one
 * section of details per benchmark. {@code Run} writes it to BENCHMARKS.md.
 */
public final class Report {
    /** One row of the summary table. {@code met} is null where the issue sets no target to compare. */
    public record Verdict(String benchmark, String tandem, String anchor, String ratio, String target, Boolean met) {
        public String status() {
            return met == null ? "reported" : met ? "met" : "**missed**";
        }
    }

    private final List<Verdict> verdicts = new ArrayList<>();
    private final StringBuilder details = new StringBuilder();
    private final StringBuilder profiles = new StringBuilder();

    public synchronized void verdict(Verdict verdict) {
        verdicts.add(verdict);
        System.out.println("RESULT " + verdict);
    }

    public synchronized void section(String title, String markdown) {
        details.append("## ").append(title).append("\n\n").append(markdown.strip()).append("\n\n");
    }

    /** Where the time goes, for a missed target. */
    public synchronized void profile(String title, String markdown) {
        profiles.append("### ").append(title).append("\n\n").append(markdown.strip()).append("\n\n");
    }

    public synchronized String profiles() {
        return profiles.toString();
    }

    public synchronized List<Verdict> verdicts() {
        return List.copyOf(verdicts);
    }

    public synchronized String details() {
        return details.toString();
    }
}
