package dev.tandem.dispatch;

import jakarta.servlet.AsyncContext;
import java.util.function.Consumer;

/**
 * Where one client request's servlet objects (its streams, its response, its async context) may be
 * touched: on a thread serving that request, or on one serving none, such as Jetty's client
 * threads; never on a thread in the middle of serving another request.
 *
 * <p>Jetty's HttpClient runs an exchange's callbacks on whichever thread drives its destination or
 * its connection at that moment: the thread that queues an exchange also sends those queued before
 * it, and the thread that finishes a response sends the next queued exchange on the connection it
 * released and reads the answer after it. That is often a container thread serving another
 * request. Tomcat runs some calls of a request right on the calling thread, under that request's
 * processor lock, when the caller is not the request's own thread: setReadListener,
 * setWriteListener, and isReady() or read() at the end of the body dispatch the listener there. A
 * thread holding its own request's lock then waits for another's, and two such threads wait for
 * each other for good (issue 20: every POST of the two clients hung).
 *
 * <p>So the filter's call and each listener callback mark their thread with the request they serve
 * ({@link #serve}), and each step that a Jetty callback takes on a request's servlet objects goes
 * through {@link #run}: at once on an unmarked thread or one marked with this request, else handed
 * to this request's {@link AsyncContext#start}, whose thread holds no other request's lock. The
 * hand-off happens only when one request's exchange meets another request's thread, so the usual
 * path costs no thread switch.
 */
final class RequestThread {
    private static final ThreadLocal<RequestThread> SERVING = new ThreadLocal<>();

    private final AsyncContext async;

    RequestThread(AsyncContext async) {
        this.async = async;
    }

    /** A container callback's body; throws what the callback may. */
    interface Step<X extends Exception> {
        void run() throws X;
    }

    /** Runs {@code step}, a container callback of this request or the filter's call, with this thread marked as serving it. */
    <X extends Exception> void serve(Step<X> step) throws X {
        RequestThread outer = SERVING.get();
        SERVING.set(this);
        try {
            step.run();
        } finally {
            if (outer == null) {
                SERVING.remove();
            } else {
                SERVING.set(outer);
            }
        }
    }

    /**
     * Runs {@code step} now if this thread may touch this request's servlet objects, else on a thread
     * of its async context. {@code step} handles its own failures; {@code ended} gets the
     * container's refusal when the request has ended meanwhile and nothing can be handed to it.
     */
    void run(Runnable step, Consumer<RuntimeException> ended) {
        RequestThread serving = SERVING.get();
        if (serving == null || serving == this) {
            step.run();
            return;
        }
        try {
            async.start(() -> serve(step::run));
        } catch (RuntimeException e) {
            ended.accept(e);
        }
    }
}
