package dev.tandem.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes encoded frames to one connection from many threads in as few system calls as it can: a
 * thread that finds another writing leaves its frame queued and goes on, and the writing thread
 * sends it with its own in the same write. No writer thread, no timer: an idle connection's frame
 * goes out at once, a busy one's frames go out in batches.
 *
 * <p>A failed write is thrown to the thread that made it, which closes the connection; frames of
 * other threads in that write are then failed with the connection.
 */
final class FrameWriter {
    private final OutputStream out;
    private final ConcurrentLinkedQueue<byte[]> queued = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();

    /** @param out a buffered stream, so that queued frames leave in one write */
    FrameWriter(OutputStream out) {
        this.out = out;
    }

    /** Sends {@code frame}, now or in the write of the thread writing at the moment. */
    void write(byte[] frame) throws IOException {
        queued.add(frame);
        flush();
    }

    /** Queues {@code frame} for the next {@link #flush()}: for a thread that has more to send. */
    void queue(byte[] frame) {
        queued.add(frame);
    }

    /** Sends everything queued, unless a thread is writing: that thread sends it, as it checks again after. */
    void flush() throws IOException {
        while (!queued.isEmpty() && writing.tryLock()) {
            try {
                for (byte[] frame = queued.poll(); frame != null; frame = queued.poll()) {
                    out.write(frame);
                }
                out.flush();
            } finally {
                writing.unlock();
            }
        }
    }
}
