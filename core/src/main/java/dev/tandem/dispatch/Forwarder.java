package dev.tandem.dispatch;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The forwarding step: owns the Jetty {@link HttpClient} (pooled keep-alive connections per app
 * server) and starts a {@link ProxyExchange} per request.
 */
final class Forwarder {
    /** Per-server connection cap: high, as HAProxy's default; {@code max-connections} is the real limit. */
    static final int MAX_CONNECTIONS_PER_SERVER = 4096;

    final DispatchConfig config;
    final HttpClient client;
    final int bufferSize = 16 * 1024;
    private final StickyRoute sticky;
    private final Clock clock;

    /** {@code connectionsPerServer}: {@link #MAX_CONNECTIONS_PER_SERVER}, or fewer in tests that need exchanges to queue. */
    Forwarder(DispatchConfig config, Clock clock, int connectionsPerServer) {
        this.config = config;
        this.clock = clock;
        this.sticky = new StickyRoute(config.cookieName());
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("tandem-dispatch");
        threads.setDaemon(true);
        client = new HttpClient();
        client.setExecutor(threads);
        client.setConnectTimeout(config.connectTimeout().toMillis());
        client.setIdleTimeout(config.idleTime().toMillis());
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        client.setDefaultRequestContentType(null);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setMaxConnectionsPerDestination(connectionsPerServer);
        client.setMaxRequestsQueuedPerDestination(64 * 1024);
        client.setUseInputDirectByteBuffers(false);
        client.setRequestBufferSize(bufferSize);
        client.setResponseBufferSize(bufferSize);
    }

    void start() throws Exception {
        client.start();
        // Bodies travel as they are: no decoding, no Accept-Encoding of our own. Redirects,
        // authentication challenges and 100-continue are the client's and the app's business.
        client.getContentDecoderFactories().clear();
        client.getProtocolHandlers().clear();
    }

    void stop() throws Exception {
        client.stop();
    }

    long now() {
        return clock.millis();
    }

    void forward(HttpServletRequest request, HttpServletResponse response, Pool pool) throws IOException {
        new ProxyExchange(this, request, response, pool).start();
    }

    /** The session id the request carries in the cookie or the URL, or null. */
    String sessionId(HttpServletRequest request) {
        return sticky.sessionId(request);
    }

    /**
     * The owner of session {@code sessionId} (null for none), else its backup, else the balancer's
     * choice; counted in: its lease, which the caller must end. Null if no server is left.
     */
    Lease choose(String sessionId, Pool pool, Set<Backend> excluded) {
        long now = now();
        Lease lease = sticky.acquire(sessionId, pool, excluded, now);
        return lease != null ? lease : pool.acquire(excluded, now);
    }

    /** No server can take the request: 503, or a redirect to {@code outage-url}. */
    void outage(HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        if (config.outageUrl().isPresent()) {
            response.sendRedirect(config.outageUrl().get());
            return;
        }
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", String.valueOf(Math.max(1, config.recoverTime().toSeconds())));
        response.setContentType("text/plain;charset=utf-8");
        response.getOutputStream().write("Service Unavailable: no app server is available\n".getBytes(StandardCharsets.UTF_8));
    }
}
