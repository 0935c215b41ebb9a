package dev.tandem.dispatch;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.io.Content;

/**
 * Streams the backend's response body to the client with servlet non-blocking writes: one chunk at
 * a time, and the next is demanded from the backend only when the client has taken this one, so
 * memory stays flat and no thread waits on a slow client. Completes the async context after the
 * last write. Called where the {@link RequestThread} allows; the container's callbacks mark their
 * thread as serving this request.
 */
final class ResponseBody implements WriteListener {
    private final AsyncContext async;
    private final RequestThread thread;
    private final ServletOutputStream out;
    private final Response backendResponse;
    private final long contentLength;
    private long written;
    private boolean listening;
    private Content.Chunk chunk;
    private Runnable demander;
    private boolean pending;
    private boolean finishing;
    private boolean completed;
    private byte[] scratch;

    ResponseBody(AsyncContext async, RequestThread thread, ServletOutputStream out, Response backendResponse) {
        this.async = async;
        this.thread = thread;
        this.out = out;
        this.backendResponse = backendResponse;
        this.contentLength = backendResponse.getHeaders().getLongField("Content-Length");
    }

    /** Writes {@code c}; {@code next} runs once the client has taken it. */
    void write(Content.Chunk c, Runnable next) throws IOException {
        boolean first;
        synchronized (this) {
            c.retain();
            chunk = c;
            demander = next;
            first = !listening;
            listening = true;
        }
        if (first) {
            out.setWriteListener(this);
        } else {
            writePossible();
        }
    }

    /** The backend response ended: complete once the last write is through. */
    void finish() {
        boolean complete;
        synchronized (this) {
            finishing = true;
            complete = chunk == null && !completed;
            completed |= complete;
        }
        if (complete) {
            async.complete();
        }
    }

    @Override
    public void onWritePossible() throws IOException {
        thread.serve(this::writePossible);
    }

    private void writePossible() throws IOException {
        Runnable next = null;
        boolean complete = false;
        synchronized (this) {
            if (chunk != null && !pending) {
                ByteBuffer b = chunk.getByteBuffer();
                int n = b.remaining();
                if (b.hasArray()) {
                    out.write(b.array(), b.arrayOffset() + b.position(), n);
                } else {
                    if (scratch == null || scratch.length < n) {
                        scratch = new byte[Math.max(n, 16 * 1024)];
                    }
                    b.get(scratch, 0, n);
                    out.write(scratch, 0, n);
                }
                written += n;
                pending = true;
                // Stream as it comes (long polls, server-sent events), but a body whose end is known
                // and reached goes out with the completion, in one write.
                if (!chunk.isLast() && (contentLength < 0 || written < contentLength) && out.isReady()) {
                    out.flush();
                }
            }
            if (chunk != null && pending) {
                if (!out.isReady()) {
                    return;
                }
                chunk.release();
                chunk = null;
                pending = false;
                next = demander;
                demander = null;
            }
            if (chunk == null && finishing && !completed) {
                completed = true;
                complete = true;
            }
        }
        if (next != null) {
            next.run();
        }
        if (complete) {
            async.complete();
        }
    }

    @Override
    public void onError(Throwable failure) {
        thread.serve(() -> failed(failure));
    }

    private void failed(Throwable failure) {
        synchronized (this) {
            if (chunk != null) {
                chunk.release();
                chunk = null;
                demander = null;
            }
            completed = true;
        }
        backendResponse.abort(failure);
    }
}
