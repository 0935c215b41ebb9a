package dev.tandem.dispatch;

import java.util.Map;

/** One load report pushed by an app node to {@code <status-path>/agent}: metric name → value, and when. */
record AgentReport(Map<String, Double> metrics, long atMillis) {}
