package dev.tandem.dispatch;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A load balancer in a servlet filter, for a web-tier node in front of the app tier: each request
 * goes through rules (serve here, or which cluster), stickiness (the session id's owner, then its
 * backup), the balancer ({@code algorithm}), and is forwarded with non-blocking I/O. Map it on
 * {@code /*} for the REQUEST dispatcher, with {@code <async-supported>true</async-supported>}.
 * Init-params are listed in the README and in {@link DispatchConfig}.
 */
public final class DispatchFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(DispatchFilter.class);

    private final Clock clock;
    private final int connectionsPerServer;
    private Rules rules;
    private Map<String, Pool> pools;
    private Forwarder forwarder;
    private HealthChecker health;
    private StatusPage status;

    public DispatchFilter() {
        this(Clock.systemUTC());
    }

    DispatchFilter(Clock clock) {
        this(clock, Forwarder.MAX_CONNECTIONS_PER_SERVER);
    }

    /** For tests: so few backend connections per app server that requests queue for them. */
    DispatchFilter(Clock clock, int connectionsPerServer) {
        this.clock = clock;
        this.connectionsPerServer = connectionsPerServer;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : Collections.list(filterConfig.getInitParameterNames())) {
            params.put(name, filterConfig.getInitParameter(name));
        }
        String where = filterConfig.getServletContext().getContextPath() + " (" + filterConfig.getFilterName() + ")";
        DispatchConfig config;
        try {
            config = DispatchConfig.from(params, System::getProperty);
        } catch (IllegalArgumentException e) {
            throw new ServletException("dispatch filter " + where + ": " + e.getMessage(), e);
        }
        rules = config.rules();
        Balancer.of(config.algorithm(), config.agentMetrics(), 0); // fails early on a bad algorithm
        long reportMaxAge = Math.max(30_000, 3 * config.healthCheck().map(h -> h.interval().toMillis()).orElse(0L));
        Map<String, Pool> p = new LinkedHashMap<>();
        config.clusters().forEach((name, topology) ->
                p.put(name, new Pool(name, topology, Balancer.of(config.algorithm(), config.agentMetrics(), reportMaxAge),
                        config.probeTimeout())));
        pools = Map.copyOf(p);
        forwarder = new Forwarder(config, clock, connectionsPerServer);
        try {
            forwarder.start();
        } catch (Exception e) {
            throw new ServletException("dispatch filter " + where + ": the HTTP client did not start: " + e, e);
        }
        if (config.healthCheck().isPresent()) {
            List<Backend> all = pools.values().stream().flatMap(pool -> pool.backends.stream()).toList();
            health = new HealthChecker(config.healthCheck().get(), all, forwarder.client, clock,
                    config.connectTimeout().toMillis(), config.recoverTime().toMillis());
            health.start();
        }
        status = config.statusPath().map(path -> new StatusPage(path, pools, forwarder,
                config.clusterSecret().map(SignedRequest::new))).orElse(null);
        LOG.info("dispatch filter {} started: {}", where, config.describe());
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || request.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(req, res);
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (status != null && status.handles(path)) {
            status.serve(path, request, response);
            return;
        }
        String target = rules.route(path);
        if (target.equals(Rules.LOCAL)) {
            chain.doFilter(req, res);
            return;
        }
        forwarder.forward(request, response, pools.get(target));
    }

    @Override
    public void destroy() {
        if (health != null) {
            health.stop();
        }
        if (forwarder != null) {
            try {
                forwarder.stop();
            } catch (Exception e) {
                LOG.warn("dispatch filter: the HTTP client did not stop cleanly: {}", e.toString());
            }
        }
    }

    /** For tests: the server states as the status page's JSON. */
    String statusJson() {
        return new StatusPage("/", pools, forwarder, Optional.empty()).json();
    }
}
