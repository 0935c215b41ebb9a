package dev.tandem.dispatch;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * Streams the client's request body to the backend with servlet non-blocking reads: one buffer,
 * refilled only when the backend connection has taken the previous one, so memory stays flat
 * whatever the size and no thread waits on a slow client.
 *
 * <p>The filter sets this listener on the request's own thread, before sending; nothing is read
 * until {@link #start} gives it the backend connection's content. Reads resumed by the backend
 * taking a buffer go through the {@link RequestThread}, as that may happen on any thread.
 */
final class RequestBody extends IteratingCallback implements ReadListener {
    private final ServletInputStream in;
    private final byte[] buffer;
    private final RequestThread thread;
    /** The backend took the buffer: read on, where this request's input stream may be touched. */
    private final Callback written;
    private volatile AsyncRequestContent content;
    private volatile boolean allRead;
    private volatile Throwable failure;
    private volatile long bytes;
    private volatile boolean clientFailed;

    RequestBody(ServletInputStream in, int bufferSize, RequestThread thread) {
        this.in = in;
        this.buffer = new byte[bufferSize];
        this.thread = thread;
        this.written = Callback.from(() -> thread.run(this::succeeded, ended -> {
            requestEnded();
            failed(ended);
        }), this::failed);
    }

    /**
     * Starts reading into {@code target}; called once, when the backend connection is established,
     * on a thread where this request's input stream may be touched.
     */
    void start(AsyncRequestContent target) {
        content = target;
        Throwable f = failure;
        if (f != null) {
            target.fail(f);
        } else if (allRead) {
            target.close();
        } else {
            iterate();
        }
    }

    long bytes() {
        return bytes;
    }

    /**
     * Whether reading the client's body failed (the client went away, or sent less than it announced,
     * or the request ended before its body could be read on): the client's side, not the server's.
     */
    boolean clientFailed() {
        return clientFailed;
    }

    /** The request ended meanwhile (the container refused a step handed to it): its body will not arrive whole. */
    void requestEnded() {
        clientFailed = true;
    }

    @Override
    protected Action process() throws IOException {
        AsyncRequestContent target = content;
        if (target == null) {
            // No backend connection yet: read nothing, so that a connect failure has consumed nothing.
            // start() reads what has arrived meanwhile.
            return Action.IDLE;
        }
        while (in.isReady()) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                clientFailed = true;
                throw e;
            }
            if (n > 0) {
                bytes += n;
                target.write(ByteBuffer.wrap(buffer, 0, n), written);
                return Action.SCHEDULED;
            }
            if (n < 0) {
                return Action.SUCCEEDED;
            }
        }
        return Action.IDLE;
    }

    @Override
    public void onDataAvailable() {
        thread.serve(this::iterate);
    }

    @Override
    public void onAllDataRead() {
        thread.serve(() -> {
            allRead = true;
            AsyncRequestContent target = content;
            if (target != null) {
                target.close();
            }
        });
    }

    @Override
    public void onError(Throwable t) {
        thread.serve(() -> {
            // Noted before the backend request fails, so the exchange's end sees it was the client's.
            clientFailed = true;
            failure = t;
            AsyncRequestContent target = content;
            if (target != null) {
                target.fail(t);
            }
        });
    }

    @Override
    protected void onCompleteFailure(Throwable t) {
        AsyncRequestContent target = content;
        if (target != null) {
            target.fail(t);
        }
    }
}
