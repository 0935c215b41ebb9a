package dev.tandem.dispatch;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code status-path} serves:
 * <ul>
 * <li>{@code GET <status-path>}: per server state, weight, active and total requests, failures, last
 *     health check and its latency, sticky requests; HTML, or JSON with {@code ?format=json};
 * <li>{@code GET <status-path>/balance?cluster=NAME}: the server the balancer would pick now, as
 *     text; asking changes nothing (no turn taken, no probe started);
 * <li>{@code GET <status-path>/agent?server=NAME&cpu=0.42&...}: an app node's load report, signed
 *     ({@link SignedRequest}); {@code drain=true|false} in it drains or enables the server;
 * <li>{@code POST <status-path>/drain?server=NAME} and {@code /enable}, signed.
 * </ul>
 */
final class StatusPage {
    private static final Set<String> NOT_METRICS = Set.of("server", "ts", "sig", "drain", "cluster");

    private final String path;
    private final Map<String, Pool> pools;
    private final Forwarder forwarder;
    private final Optional<SignedRequest> signer;

    StatusPage(String path, Map<String, Pool> pools, Forwarder forwarder, Optional<SignedRequest> signer) {
        this.path = path;
        this.pools = pools;
        this.forwarder = forwarder;
        this.signer = signer;
    }

    boolean handles(String pathInContext) {
        return pathInContext.equals(path) || pathInContext.startsWith(path + "/");
    }

    void serve(String pathInContext, HttpServletRequest request, HttpServletResponse response) throws IOException {
        String action = pathInContext.substring(path.length());
        Map<String, String> params = query(request.getQueryString());
        switch (action) {
            case "", "/" -> {
                if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
                    text(response, 405, "use GET");
                } else if ("json".equals(params.get("format"))) {
                    answer(response, 200, "application/json", json());
                } else {
                    answer(response, 200, "text/html;charset=utf-8", html());
                }
            }
            case "/balance" -> balance(params, response);
            case "/agent" -> control("GET", action, request, params, response);
            case "/drain", "/enable" -> control("POST", action, request, params, response);
            default -> text(response, 404, "no such status action: " + action + "; known: /balance, /agent, /drain, /enable");
        }
    }

    private void balance(Map<String, String> params, HttpServletResponse response) throws IOException {
        String cluster = params.getOrDefault("cluster", Rules.DEFAULT_CLUSTER);
        Pool pool = pools.get(cluster);
        if (pool == null) {
            text(response, 404, "no cluster '" + cluster + "'; known: " + String.join(", ", pools.keySet()));
            return;
        }
        Backend b = pool.wouldChoose(forwarder.now());
        if (b == null) {
            text(response, 503, "none");
            return;
        }
        text(response, 200, b.name());
    }

    private void control(String method, String action, HttpServletRequest request, Map<String, String> params,
            HttpServletResponse response) throws IOException {
        if (!request.getMethod().equals(method)) {
            text(response, 405, "use " + method + " for " + path + action);
            return;
        }
        if (signer.isEmpty()) {
            text(response, 403, "control requests are disabled: " + dev.tandem.cluster.SecretSetting.howToSet());
            return;
        }
        String refused = signer.get().check(method, request.getHeader("Host"), action,
                rawQuery(request.getQueryString()), forwarder.now());
        if (refused != null) {
            text(response, 403, "refused: " + refused);
            return;
        }
        String server = params.get("server");
        List<Backend> targets = pools.values().stream().flatMap(p -> p.byName(server == null ? "" : server).stream()).toList();
        if (targets.isEmpty()) {
            text(response, 404, "no server '" + server + "' in any cluster");
            return;
        }
        switch (action) {
            case "/drain" -> targets.forEach(b -> b.drain(true, "an admin request"));
            case "/enable" -> targets.forEach(b -> b.drain(false, "an admin request"));
            default -> {
                Map<String, Double> metrics = new LinkedHashMap<>();
                for (Map.Entry<String, String> p : params.entrySet()) {
                    if (!NOT_METRICS.contains(p.getKey())) {
                        try {
                            metrics.put(p.getKey(), Double.parseDouble(p.getValue()));
                        } catch (NumberFormatException e) {
                            text(response, 400, "metric " + p.getKey() + " is not a number: '" + p.getValue() + "'");
                            return;
                        }
                    }
                }
                AgentReport report = new AgentReport(Map.copyOf(metrics), forwarder.now());
                targets.forEach(b -> b.report(report));
                if (params.containsKey("drain")) {
                    boolean drain = Boolean.parseBoolean(params.get("drain"));
                    targets.forEach(b -> b.drain(drain, "its agent"));
                }
            }
        }
        text(response, 200, "ok");
    }

    String json() {
        StringBuilder s = new StringBuilder("{\"clusters\":[");
        boolean firstPool = true;
        for (Pool pool : pools.values()) {
            s.append(firstPool ? "" : ",").append("{\"name\":").append(quote(pool.name)).append(",\"servers\":[");
            firstPool = false;
            boolean first = true;
            for (Backend b : pool.backends) {
                s.append(first ? "" : ",");
                first = false;
                Backend.HealthResult check = b.lastCheck();
                AgentReport report = b.report();
                s.append("{\"name\":").append(quote(b.name()))
                        .append(",\"index\":").append(quote(String.valueOf(b.member.indexChar())))
                        .append(",\"address\":").append(quote(b.member.address()))
                        .append(",\"state\":").append(quote(b.state()))
                        .append(",\"weight\":").append(b.member.weight())
                        .append(",\"backup\":").append(b.member.backup())
                        .append(",\"active\":").append(b.active())
                        .append(",\"total\":").append(b.total())
                        .append(",\"failures\":").append(b.failures())
                        .append(",\"sticky\":").append(b.stickyCount())
                        .append(",\"lastCheck\":").append(check == null ? "null" : quote(Instant.ofEpochMilli(check.atMillis()).toString()))
                        .append(",\"lastCheckGood\":").append(check == null ? "null" : String.valueOf(check.good()))
                        .append(",\"lastCheckLatencyMs\":").append(check == null ? "null" : String.valueOf(check.latencyMicros() / 1000.0))
                        .append(",\"load\":");
                if (report == null) {
                    s.append("null");
                } else {
                    s.append('{');
                    boolean firstMetric = true;
                    for (Map.Entry<String, Double> m : report.metrics().entrySet()) {
                        s.append(firstMetric ? "" : ",").append(quote(m.getKey())).append(':').append(m.getValue());
                        firstMetric = false;
                    }
                    s.append('}');
                }
                s.append('}');
            }
            s.append("]}");
        }
        return s.append("]}").toString();
    }

    private String html() {
        StringBuilder s = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Tandem dispatch</title>"
                + "<style>td,th{padding:2px 8px;text-align:left}</style></head><body><h1>Tandem dispatch</h1>");
        for (Pool pool : pools.values()) {
            s.append("<h2>").append(escape(pool.name)).append("</h2><table><tr><th>index</th><th>server</th><th>address</th>"
                    + "<th>state</th><th>weight</th><th>active</th><th>total</th><th>failures</th><th>sticky</th>"
                    + "<th>last check</th><th>latency</th></tr>");
            for (Backend b : pool.backends) {
                Backend.HealthResult check = b.lastCheck();
                s.append("<tr><td>").append(b.member.indexChar())
                        .append("</td><td>").append(escape(b.name())).append(b.member.backup() ? " (backup)" : "")
                        .append("</td><td>").append(escape(b.member.address()))
                        .append("</td><td>").append(b.state())
                        .append("</td><td>").append(b.member.weight())
                        .append("</td><td>").append(b.active())
                        .append("</td><td>").append(b.total())
                        .append("</td><td>").append(b.failures())
                        .append("</td><td>").append(b.stickyCount())
                        .append("</td><td>").append(check == null ? "-"
                                : Instant.ofEpochMilli(check.atMillis()) + (check.good() ? " good" : " bad: " + escape(check.detail())))
                        .append("</td><td>").append(check == null ? "-" : check.latencyMicros() / 1000.0 + " ms")
                        .append("</td></tr>");
            }
            s.append("</table>");
        }
        return s.append("</body></html>").toString();
    }

    private static Map<String, String> query(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        rawQuery(query).forEach((k, v) -> params.put(k, URLDecoder.decode(v, StandardCharsets.UTF_8)));
        return params;
    }

    private static Map<String, String> rawQuery(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (!pair.isEmpty()) {
                    int eq = pair.indexOf('=');
                    params.putIfAbsent(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
                }
            }
        }
        return params;
    }

    private static void text(HttpServletResponse response, int status, String body) throws IOException {
        answer(response, status, "text/plain;charset=utf-8", body);
    }

    private static void answer(HttpServletResponse response, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
