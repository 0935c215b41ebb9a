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
import org.eclipse.jetty.http.HttpFields;
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
 *
 * <p>Jetty runs the callbacks below on whichever thread drives the backend connection, which may
 * be a container thread serving another request: what they do to this request's servlet objects
 * goes through its {@link RequestThread}, and what a retry needs of the request is read once, in
 * the constructor, on the request's own thread.
 */
final class ProxyExchange implements Response.Listener, Request.BeginListener {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private final Forwarder forwarder;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Pool pool;
    private final boolean hasBody;
    private final String method;
    private final String target;
    private final HttpFields headers;
    private final String sessionId;
    private AsyncContext async;
    private RequestThread thread;
    private RequestBody body;
    private Set<Backend> tried = Set.of();
    private int retriesLeft;
    private volatile Lease lease;
    private volatile boolean begun;
    private volatile boolean responded;
    private volatile Response answer;
    private volatile ResponseBody responseBody;

    ProxyExchange(Forwarder forwarder, HttpServletRequest request, HttpServletResponse response, Pool pool) {
        this.forwarder = forwarder;
        this.request = request;
        this.response = response;
        this.pool = pool;
        this.retriesLeft = forwarder.config.retries();
        String te = request.getHeader("Transfer-Encoding");
        this.hasBody = request.getContentLengthLong() > 0 || (te != null && !te.equalsIgnoreCase("identity"));
        this.method = request.getMethod();
        String query = request.getQueryString();
        this.target = query == null ? request.getRequestURI() : request.getRequestURI() + "?" + query;
        HttpFields.Mutable h = HttpFields.build();
        ProxyHeaders.copyRequest(request, h);
        this.headers = h.asImmutable();
        this.sessionId = forwarder.sessionId(request);
    }

    /** Called by the filter, on the request's own thread. */
    void start() throws IOException {
        Lease first = forwarder.choose(sessionId, pool, tried);
        if (first == null) {
            answerOutage();
            return;
        }
        try {
            async = request.startAsync();
            async.setTimeout(0);
            thread = new RequestThread(async);
            if (hasBody) {
                // Set here, on the request's own thread (marked as serving it): from another, Tomcat
                // would run the first onDataAvailable there under this request's lock. Nothing is read
                // before onBegin.
                thread.serve(() -> {
                    body = new RequestBody(request.getInputStream(), forwarder.bufferSize, thread);
                    request.getInputStream().setReadListener(body);
                });
            }
        } catch (IOException | RuntimeException e) {
            // Nothing was sent: no verdict on the server, and its lease must not outlive this request.
            first.release();
            throw e;
        }
        // Marked as serving this request: sending may send other requests' queued exchanges from here.
        thread.serve(() -> send(first));
    }

    private void send(Lease l) {
        lease = l;
        begun = false;
        Backend b = l.backend;
        Request proxied;
        try {
            proxied = forwarder.client.newRequest(b.member.host(), b.member.port())
                    .method(method)
                    .path(target)
                    .version(HttpVersion.HTTP_1_1)
                    .idleTimeout(forwarder.config.socketTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .headers(h -> h.add(headers))
                    .onRequestBegin(this);
            if (hasBody) {
                proxied.body(new AsyncRequestContent());
            }
        } catch (RuntimeException e) {
            // Nothing was sent: no verdict on the server, and its lease must not outlive this request.
            l.release();
            LOG.warn("dispatch: {} {} could not be sent to {}: {}", method, target, b, e.toString());
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
            AsyncRequestContent content = (AsyncRequestContent) proxied.getBody();
            thread.run(() -> {
                try {
                    body.start(content);
                } catch (RuntimeException e) {
                    proxied.abort(e);
                }
            }, ended -> {
                // The request ended meanwhile: its body cannot be read, which says nothing about the server.
                body.requestEnded();
                proxied.abort(ended);
            });
        }
    }

    @Override
    public void onHeaders(Response r) {
        responded = true;
        lease.answered("answered a request");
        // Status and headers go onto the client's response with the first body bytes, or at the end:
        // in order with the body, and where the RequestThread allows, which may not be this thread.
        answer = r;
    }

    @Override
    public void onContent(Response r, Content.Chunk chunk, Runnable demander) {
        chunk.retain();
        thread.run(() -> {
            try {
                ResponseBody out = responseBody;
                if (out == null) {
                    copyHeaders(r);
                    out = new ResponseBody(async, thread, response.getOutputStream(), r);
                    responseBody = out;
                }
                out.write(chunk, demander);
            } catch (IOException | RuntimeException e) {
                r.abort(e);
            } finally {
                chunk.release();
            }
        }, ended -> {
            chunk.release();
            r.abort(ended);
        });
    }

    private void copyHeaders(Response r) {
        response.setStatus(r.getStatus());
        ProxyHeaders.copyResponse(r.getHeaders(), response);
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
            LOG.debug("dispatch: {} {} to {} failed after the response began: {}", method, target, b, failure.toString());
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
            LOG.debug("dispatch: {} {} to {}: the client's body broke off: {}", method, target, b, failure.toString());
            error(HttpServletResponse.SC_BAD_GATEWAY, "Bad Gateway: the request body did not arrive whole");
        } else if (isTimeout(failure)) {
            l.failed(now, recoverMillis, "no answer within socket-timeout");
            LOG.debug("dispatch: {} {} to {}: no answer within socket-timeout", method, target, b);
            error(HttpServletResponse.SC_GATEWAY_TIMEOUT, "Gateway Timeout: " + b.name() + " did not answer in time");
        } else if (IDEMPOTENT.contains(method) && !hasBody) {
            // A body is read from the moment the connection began: a request with one is never sent twice.
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
        Lease next = retriesLeft-- > 0 ? forwarder.choose(sessionId, pool, tried) : null;
        if (next != null) {
            send(next);
        } else {
            otherwise.run();
        }
    }

    private void finish() {
        thread.run(() -> {
            ResponseBody out = responseBody;
            if (out != null) {
                out.finish();
                return;
            }
            try {
                copyHeaders(answer);
            } catch (RuntimeException e) {
                LOG.debug("dispatch: could not pass on the answer's headers: {}", e.toString());
            } finally {
                async.complete();
            }
        }, this::ended);
    }

    private void outage() {
        thread.run(() -> {
            try {
                answerOutage();
            } finally {
                async.complete();
            }
        }, this::ended);
    }

    private void answerOutage() {
        try {
            forwarder.outage(response);
        } catch (IOException | IllegalStateException e) {
            LOG.debug("dispatch: could not send the outage answer: {}", e.toString());
        }
    }

    private void error(int status, String message) {
        thread.run(() -> {
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
        }, this::ended);
    }

    private void ended(RuntimeException e) {
        LOG.debug("dispatch: {} {} ended before its answer: {}", method, target, e.toString());
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
