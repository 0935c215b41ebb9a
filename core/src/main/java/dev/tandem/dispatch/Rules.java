package dev.tandem.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code rules} init-param: one rule per line, {@code REGEX -> local} (serve on this node
 * through the filter chain) or {@code REGEX -> NAME} (the cluster {@code cluster.NAME}, or
 * {@code cluster} itself). The first rule whose regex is found in the path (the request URI
 * without the context path) wins; a path no rule matches goes to {@code cluster}.
 */
record Rules(List<Rule> rules) {
    static final String LOCAL = "local";
    static final String DEFAULT_CLUSTER = "cluster";

    record Rule(Pattern pattern, String target) {}

    static Rules none() {
        return new Rules(List.of());
    }

    static Rules parse(String param, String value, Set<String> clusters) {
        List<Rule> rules = new ArrayList<>();
        for (String line : value.split("\\R")) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int arrow = l.lastIndexOf("->");
            if (arrow <= 0) {
                throw new IllegalArgumentException(param + ": '" + l + "' must be REGEX -> local or REGEX -> NAME");
            }
            String regex = l.substring(0, arrow).trim();
            String target = l.substring(arrow + 2).trim();
            Pattern pattern;
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(param + ": '" + regex + "' is not a regular expression: " + e.getDescription());
            }
            if (!target.equals(LOCAL) && !clusters.contains(target)) {
                throw new IllegalArgumentException(param + ": '" + l + "' names cluster '" + target
                        + "', which is not defined; known: local, " + String.join(", ", clusters)
                        + " (define it with init-param cluster." + target + ")");
            }
            rules.add(new Rule(pattern, target));
        }
        return new Rules(List.copyOf(rules));
    }

    /** {@link #LOCAL} or the name of the cluster that serves {@code path}. */
    String route(String path) {
        for (Rule rule : rules) {
            if (rule.pattern.matcher(path).find()) {
                return rule.target;
            }
        }
        return DEFAULT_CLUSTER;
    }

    @Override
    public String toString() {
        return rules.stream().map(r -> r.pattern.pattern() + " -> " + r.target).toList().toString();
    }
}
