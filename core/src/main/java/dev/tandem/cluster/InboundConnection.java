package dev.tandem.cluster;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection a peer opened to this endpoint: authenticate it, then read its requests and hand
 * each to the web-app's handler on the handler pool, or run it on this thread when the handler
 * answers it at once ({@link RequestHandler#answersAtOnce}). Anything malformed closes this
 * connection only, with one log line.
 */
final class InboundConnection implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(InboundConnection.class);
    /** Handler errors are sent back as text; a stack of causes is not needed by the caller. */
    private static final int MAX_ERROR_TEXT = 1000;
    /** Requests read before the answers given on the reader thread are written, even if more are waiting. */
    private static final int MAX_UNFLUSHED_ANSWERS = 16;

    private final ClusterEndpoint endpoint;
    private final ClusterConfig config;
    private final Socket socket;
    private final String address;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean handshakeExpired = new AtomicBoolean();
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private FrameWriter out;
    private Thread readerThread;
    private ClusterMember peer;

    InboundConnection(ClusterEndpoint endpoint, Socket socket) {
        this.endpoint = endpoint;
        this.config = endpoint.config();
        this.socket = socket;
        this.address = String.valueOf(socket.getRemoteSocketAddress());
    }

    @Override
    public void run() {
        String self = config.self().name();
        readerThread = Thread.currentThread();
        try {
            socket.setTcpNoDelay(true);
            ReadBuffer buffer = new ReadBuffer(socket.getInputStream());
            DataInputStream in = new DataInputStream(buffer);
            OutputStream stream = new BufferedOutputStream(socket.getOutputStream());
            out = new FrameWriter(stream);
            if (!authenticate(in, stream)) {
                return;
            }
            // A connection quiet for this long with nothing in flight is abandoned by its client.
            socket.setSoTimeout((int) config.socketTimeout().toMillis());
            int unflushed = 0;
            while (true) {
                Frame frame;
                try {
                    frame = Frame.read(in, config.maxFrameSize());
                } catch (SocketTimeoutException e) {
                    if (inFlight.get() == 0) {
                        LOG.debug("cluster {}: closing connection from {} quiet for socket-timeout", self, peer.name());
                        return;
                    }
                    continue;
                }
                if (frame == null) {
                    return;
                }
                if (!Frame.isRequest(frame.type())) {
                    throw new ProtocolException("message type " + frame.type() + " where a request was expected");
                }
                dispatch(frame);
                // The answers given on this thread go in one write when no more requests are at hand (and
                // at least every few requests, so a steady stream does not hold them back).
                if (++unflushed >= MAX_UNFLUSHED_ANSWERS || buffer.isEmpty()) {
                    unflushed = 0;
                    flushOnPool();
                }
            }
        } catch (ProtocolException e) {
            LOG.warn("cluster {}: closed connection from peer {} at {}: {}", self, peer.name(), address, e.getMessage());
        } catch (IOException e) {
            LOG.debug("cluster {}: connection from peer {} at {} ended: {}", self, peer == null ? "?" : peer.name(),
                    address, e.toString());
        } finally {
            close();
            endpoint.closed(this);
        }
    }

    /** @return false if the peer failed; it was logged and gets nothing but the closed socket */
    private boolean authenticate(DataInputStream in, OutputStream out) throws IOException {
        String self = config.self().name();
        long timeout = config.handshakeTimeout().toMillis();
        // The socket timeout bounds each read; this bounds the whole handshake against a trickle of bytes.
        ScheduledFuture<?> deadline = endpoint.scheduler().schedule(() -> {
            handshakeExpired.set(true);
            close();
        }, timeout, TimeUnit.MILLISECONDS);
        try {
            socket.setSoTimeout((int) timeout);
            peer = Handshake.accept(in, out, config);
            endpoint.peerConnected(peer);
            return true;
        } catch (SocketTimeoutException e) {
            LOG.warn("cluster {}: dropped connection from {}: no handshake within handshake-timeout {}ms", self, address,
                    timeout);
        } catch (ProtocolException e) {
            LOG.warn("cluster {}: refused connection from {}: {}", self, address, e.getMessage());
        } catch (IOException e) {
            if (handshakeExpired.get()) {
                LOG.warn("cluster {}: dropped connection from {}: no handshake within handshake-timeout {}ms", self,
                        address, timeout);
            } else {
                LOG.warn("cluster {}: refused connection from {}: {} during the handshake", self, address, e.toString());
            }
        } finally {
            deadline.cancel(false);
            endpoint.handshakeDone(socket.getInetAddress());
        }
        return false;
    }

    private void dispatch(Frame frame) throws ProtocolException {
        String webApp = frame.webApp();
        byte[] body = frame.body();
        long id = frame.requestId();
        RequestHandler handler = endpoint.handler(webApp);
        if (handler == null) {
            respondLater(Frame.error(id, RemoteRequestException.Reason.NO_HANDLER, "no web-app '" + webApp
                    + "' is registered on server " + config.self().name()));
            return;
        }
        inFlight.incrementAndGet();
        if (handler.answersAtOnce(peer, frame.type())) {
            handle(handler, webApp, frame.type(), id, body);
            return;
        }
        try {
            endpoint.handlerPool().execute(() -> handle(handler, webApp, frame.type(), id, body));
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            respondLater(Frame.error(id, RemoteRequestException.Reason.BUSY, "server " + config.self().name()
                    + " is busy: its handler pool and queue are full"));
        }
    }

    private void handle(RequestHandler handler, String webApp, int type, long id, byte[] body) {
        CompletionStage<byte[]> answer;
        try {
            answer = handler.handle(peer, type, body);
            if (answer == null) {
                throw new NullPointerException("the handler returned null instead of a CompletionStage");
            }
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<byte[]> future = answer.toCompletableFuture();
        if (future.isDone()) {
            // Runs now, on this thread. On the reader thread the answer waits in the writer until the input runs
            // dry and a pool thread writes the batch (run()); on a pool thread it goes at once.
            boolean onReader = Thread.currentThread() == readerThread;
            future.whenComplete((response, error) -> answer(answerFrame(webApp, type, id, response, error), onReader));
            return;
        }
        // Completed later on whatever thread finished the work, maybe another connection's reader, which
        // must not block on this socket: the answer is written from the handler pool.
        future.whenCompleteAsync((response, error) -> answer(answerFrame(webApp, type, id, response, error), false),
                this::onHandlerPool);
    }

    /**
     * Writes the queued answers from the handler pool (the timer thread if the pool is full), never
     * from this reader: a reader blocked on a full socket stops reading, and the peer's reader,
     * blocked the same way writing its requests to us, would never let either go.
     */
    private void flushOnPool() {
        if (!flushQueued.compareAndSet(false, true)) {
            return; // a flush is on its way, and takes what was queued since
        }
        try {
            endpoint.handlerPool().execute(this::flushQueuedAnswers);
        } catch (RejectedExecutionException full) {
            try {
                endpoint.scheduler().execute(this::flushQueuedAnswers);
            } catch (RejectedExecutionException closing) {
                flushQueued.set(false);
            }
        }
    }

    private void flushQueuedAnswers() {
        flushQueued.set(false);
        try {
            out.flush();
        } catch (IOException e) {
            LOG.debug("cluster {}: could not answer {} at {}: {}", config.self().name(), peer.name(), address,
                    e.toString());
            close();
        }
    }

    private void onHandlerPool(Runnable task) {
        try {
            endpoint.handlerPool().execute(task);
        } catch (RejectedExecutionException e) {
            task.run(); // the pool is full: an answer late on an odd thread beats no answer
        }
    }

    private void answer(Frame frame, boolean later) {
        try {
            respond(frame, later);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private Frame answerFrame(String webApp, int type, long id, byte[] response, Throwable error) {
        if (error instanceof CompletionException && error.getCause() != null) {
            error = error.getCause();
        }
        if (error == null && response != null && Frame.HEADER + response.length > config.maxFrameSize()) {
            error = new IllegalStateException("response of " + response.length + " bytes exceeds max-frame-size "
                    + config.maxFrameSize());
        }
        if (error != null) {
            LOG.warn("cluster {}: web-app {} failed request type {} from {}: {}", config.self().name(), webApp, type,
                    peer.name(), error.toString());
            String text = error.toString();
            return Frame.error(id, RemoteRequestException.Reason.HANDLER_FAILED,
                    text.length() > MAX_ERROR_TEXT ? text.substring(0, MAX_ERROR_TEXT) : text);
        }
        return new Frame(Frame.RESPONSE, id, response == null ? new byte[0] : response);
    }

    /** On the reader thread: queued, and written by the flush that ends the batch (run()). */
    private void respondLater(Frame frame) {
        respond(frame, true);
    }

    /** @param later queue it for the reader thread's flush instead of writing now */
    private void respond(Frame frame, boolean later) {
        try {
            if (later) {
                out.queue(frame.encode());
            } else {
                out.write(frame.encode());
            }
        } catch (IOException e) {
            LOG.debug("cluster {}: could not answer {} at {}: {}", config.self().name(), peer.name(), address, e.toString());
            close();
        }
    }

    void close() {
        OutboundConnection.closeQuietly(socket);
    }

    /** A read buffer that tells, without a system call, whether the bytes it holds are used up. */
    private static final class ReadBuffer extends BufferedInputStream {
        ReadBuffer(java.io.InputStream in) {
            super(in);
        }

        synchronized boolean isEmpty() {
            return pos >= count;
        }
    }
}
