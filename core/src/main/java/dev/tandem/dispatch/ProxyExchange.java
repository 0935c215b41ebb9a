package dev.tandem.dispatch;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request forwarded to the app tier, asynchronously from start to end: pick a server
 * (sticky, else the balancer), send, stream both bodies, and on failure decide between another
 * server, 502, 503 (or the outage URL) and 504.
 *
 * <p>Retries are safe by construction: the client's body is read only once the backend connection
 * is established ({@link Request#onRequestBegin}), so a connect failure has consumed nothing and
 * the same request goes to the next server; after that, only an idempotent request with no body
 * read and no response byte received is sent again. A POST whose body was sent never is.
 */
final class ProxyExchange implements Response.Listener, Request.BeginListener {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private final Forwarder forwarder;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Pool pool;
    private final boolean hasBody;
    private final String target;
    private AsyncContext async;
    private RequestBody body;
    private Set<Backend> tried = Set.of();
    private int retriesLeft;
    private volatile Lease lease;
    private volatile boolean begun;
    private volatile boolean responded;
    private volatile ResponseBody responseBody;

    ProxyExchange(Forwarder forwarder, HttpServletRequest request, HttpServletResponse response, Pool pool) {
        this.forwarder = forwarder;
        this.request = request;
        this.response = response;
        this.pool = pool;
        this.retriesLeft = forwarder.config.retries();
        String te = request.getHeader("Transfer-Encoding");
        this.hasBody = request.getContentLengthLong() > 0 || (te != null && !te.equalsIgnoreCase("identity"));
        String query = request.getQueryString();
        this.target = query == null ? request.getRequestURI() : request.getRequestURI() + "?" + query;
    }

    void start() throws IOException {
        Lease first = forwarder.choose(request, pool, tried);
        if (first == null) {
            outage();
            return;
        }
        try {
            async = request.startAsync();
            async.setTimeout(0);
        } catch (RuntimeException e) {
            first.release();
            throw e;
        }
        send(first);
    }

    private void send(Lease l) {
        lease = l;
        begun = false;
        Backend b = l.backend;
        Request proxied;
        try {
            proxied = forwarder.client.newRequest(b.member.host(), b.member.port())
                    .method(request.getMethod())
                    .path(target)
                    .version(HttpVersion.HTTP_1_1)
                    .idleTimeout(forwarder.config.socketTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .headers(h -> ProxyHeaders.copyRequest(request, h))
                    .onRequestBegin(this);
            if (hasBody) {
                proxied.body(new AsyncRequestContent());
            }
        } catch (RuntimeException e) {
            // Nothing was sent: no verdict on the server, and its lease must not outlive this request.
            l.release();
            LOG.warn("dispatch: {} {} could not be sent to {}: {}", request.getMethod(), target, b, e.toString());
            error(HttpServletResponse.SC_BAD_GATEWAY, "Bad Gateway: the request could not be sent to " + b.name());
            return;
        }
        proxied.send(this);
    }

    @Override
    public void onBegin(Request proxied) {
        // The connection to the backend is established: only now is the client's body read.
        begun = true;
        if (hasBody) {
            try {
                body = new RequestBody(request.getInputStream(), forwarder.bufferSize);
                body.start((AsyncRequestContent) proxied.getBody());
            } catch (IOException | RuntimeException e) {
                proxied.abort(e);
            }
        }
    }

    @Override
    public void onHeaders(Response r) {
        responded = true;
        lease.answered("answered a request");
        response.setStatus(r.getStatus());
        ProxyHeaders.copyResponse(r.getHeaders(), response);
    }

    @Override
    public void onContent(Response r, Content.Chunk chunk, Runnable demander) throws Exception {
        ResponseBody out = responseBody;
        if (out == null) {
            out = new ResponseBody(async, response.getOutputStream(), r);
            responseBody = out;
        }
        out.write(chunk, demander);
    }

    @Override
    public void onComplete(Result result) {
        // Every branch ends the lease first, before anything that could throw: that is what resolves
        // a probe, whichever way the exchange ended.
        Lease l = lease;
        Backend b = l.backend;
        Throwable failure = result.getResponseFailure() != null ? result.getResponseFailure()
                : responded ? null : result.getRequestFailure();
        if (failure == null) {
            l.release();
            finish();
            return;
        }
        long now = forwarder.now();
        long recoverMillis = forwarder.config.recoverTime().toMillis();
        if (responded) {
            // Part of the answer is on its way; the client sees a cut-short response.
            l.failed(now, recoverMillis, describe(failure));
            LOG.debug("dispatch: {} {} to {} failed after the response began: {}", request.getMethod(), target, b, failure.toString());
            finish();
            return;
        }
        if (!begun) {
            l.unreachable(now, recoverMillis, describe(failure));
            retryOr(b, () -> outage());
        } else if (body != null && body.clientFailed()) {
            // The client went away or its body broke off: that says nothing about the server, so a
            // probe is handed to the next request rather than counted against it.
            l.release();
            LOG.debug("dispatch: {} {} to {}: the client's body broke off: {}", request.getMethod(), target, b, failure.toString());
            error(HttpServletResponse.SC_BAD_GATEWAY, "Bad Gateway: the request body did not arrive whole");
        } else if (isTimeout(failure)) {
            l.failed(now, recoverMillis, "no answer within socket-timeout");
            LOG.debug("dispatch: {} {} to {}: no answer within socket-timeout", request.getMethod(), target, b);
            error(HttpServletResponse.SC_GATEWAY_TIMEOUT, "Gateway Timeout: " + b.name() + " did not answer in time");
        } else if (IDEMPOTENT.contains(request.getMethod()) && (body == null || !body.started())) {
            l.failed(now, recoverMillis, describe(failure));
            retryOr(b, () -> error(HttpServletResponse.SC_BAD_GATEWAY, "Bad Gateway: " + b.name() + " failed: " + describe(failure)));
        } else {
            l.failed(now, recoverMillis, describe(failure));
            error(HttpServletResponse.SC_BAD_GATEWAY, "Bad Gateway: " + b.name() + " failed: " + describe(failure));
        }
    }

    private void retryOr(Backend failed, Runnable otherwise) {
        if (tried.isEmpty()) {
            tried = new HashSet<>();
        }
        tried.add(failed);
        Lease next = retriesLeft-- > 0 ? forwarder.choose(request, pool, tried) : null;
        if (next != null) {
            send(next);
        } else {
            otherwise.run();
        }
    }

    private void finish() {
        ResponseBody out = responseBody;
        if (out != null) {
            out.finish();
        } else {
            async.complete();
        }
    }

    private void outage() {
        try {
            forwarder.outage(response);
        } catch (IOException e) {
            LOG.debug("dispatch: could not send the outage answer: {}", e.toString());
        } finally {
            if (async != null) {
                async.complete();
            }
        }
    }

    private void error(int status, String message) {
        try {
            if (!response.isCommitted()) {
                response.reset();
                response.setStatus(status);
                response.setContentType("text/plain;charset=utf-8");
                response.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException | IllegalStateException e) {
            LOG.debug("dispatch: could not send {}: {}", status, e.toString());
        } finally {
            async.complete();
        }
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }
}
