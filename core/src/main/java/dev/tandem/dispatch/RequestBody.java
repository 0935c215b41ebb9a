package dev.tandem.dispatch;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * Streams the client's request body to the backend with servlet non-blocking reads: one buffer,
 * refilled only when the backend connection has taken the previous one, so memory stays flat
 * whatever the size and no thread waits on a slow client.
 */
final class RequestBody extends IteratingCallback implements ReadListener {
    private final ServletInputStream in;
    private final byte[] buffer;
    private volatile AsyncRequestContent content;
    private volatile long bytes;
    private volatile boolean clientFailed;

    RequestBody(ServletInputStream in, int bufferSize) {
        this.in = in;
        this.buffer = new byte[bufferSize];
    }

    /** Starts reading into {@code target}; called once, when the backend connection is established. */
    void start(AsyncRequestContent target) {
        content = target;
        in.setReadListener(this);
    }

    boolean started() {
        return content != null;
    }

    long bytes() {
        return bytes;
    }

    /** Whether reading the client's body failed (the client went away, or sent less than it announced). */
    boolean clientFailed() {
        return clientFailed;
    }

    @Override
    protected Action process() throws IOException {
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
                content.write(ByteBuffer.wrap(buffer, 0, n), this);
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
        iterate();
    }

    @Override
    public void onAllDataRead() {
        content.close();
    }

    @Override
    public void onError(Throwable failure) {
        clientFailed = true;
        content.fail(failure);
    }

    @Override
    protected void onCompleteFailure(Throwable failure) {
        content.fail(failure);
    }
}
