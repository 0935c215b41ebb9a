package dev.tandem.session;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * An async request keeps its session until {@link AsyncContext#complete()}: the session is saved
 * just before the container completes (and commits) the response, and released when it has.
 */
final class SaveOnCompleteAsyncContext implements AsyncContext {
    private final AsyncContext target;
    private final RequestSessionState state;

    private SaveOnCompleteAsyncContext(AsyncContext target, RequestSessionState state) {
        this.target = target;
        this.state = state;
    }

    /** Async processing just started: the session is released when the response completes. */
    static AsyncContext started(AsyncContext context, RequestSessionState state) {
        context.addListener(new ReleaseOnComplete(state));
        return new SaveOnCompleteAsyncContext(context, state);
    }

    static AsyncContext wrap(AsyncContext context, RequestSessionState state) {
        return context == null || context instanceof SaveOnCompleteAsyncContext
                ? context : new SaveOnCompleteAsyncContext(context, state);
    }

    @Override
    public void complete() {
        state.saveBeforeCommit();
        target.complete();
    }

    @Override
    public ServletRequest getRequest() {
        return target.getRequest();
    }

    @Override
    public ServletResponse getResponse() {
        return target.getResponse();
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return target.hasOriginalRequestAndResponse();
    }

    @Override
    public void dispatch() {
        target.dispatch();
    }

    @Override
    public void dispatch(String path) {
        target.dispatch(path);
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        target.dispatch(context, path);
    }

    @Override
    public void addListener(AsyncListener listener) {
        target.addListener(listener);
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
        target.addListener(listener, request, response);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
        return target.createListener(type);
    }

    @Override
    public void setTimeout(long timeout) {
        target.setTimeout(timeout);
    }

    @Override
    public long getTimeout() {
        return target.getTimeout();
    }

    @Override
    public void start(Runnable run) {
        target.start(run);
    }

    private record ReleaseOnComplete(RequestSessionState state) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            state.finish();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // complete() or an error dispatch follows; the session is released then.
        }

        @Override
        public void onError(AsyncEvent event) {
            // as for a timeout
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // A new async cycle clears the listeners: stay registered for its completion.
            event.getAsyncContext().addListener(this);
        }
    }
}
