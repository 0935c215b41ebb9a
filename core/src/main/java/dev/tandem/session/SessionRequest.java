package dev.tandem.session;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;

/** The request as code behind the filter sees it: its sessions are Tandem's, not the container's. */
final class SessionRequest extends HttpServletRequestWrapper {
    private final RequestSessionState state;
    private final SessionResponse response;

    SessionRequest(HttpServletRequest request, SessionResponse response, RequestSessionState state) {
        super(request);
        this.response = response;
        this.state = state;
    }

    @Override
    public HttpSession getSession(boolean create) {
        return state.getSession(create);
    }

    @Override
    public HttpSession getSession() {
        return state.getSession(true);
    }

    @Override
    public String changeSessionId() {
        return state.changeSessionId();
    }

    @Override
    public String getRequestedSessionId() {
        return state.requestedId();
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        return state.requestedIdValid();
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return state.requestedIdFromCookie();
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return state.requestedIdFromUrl();
    }

    @Override
    public AsyncContext startAsync() {
        return startAsync(this, response);
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse servletResponse) {
        AsyncContext context = super.startAsync(request, servletResponse);
        return SaveOnCompleteAsyncContext.started(context, state);
    }

    @Override
    public AsyncContext getAsyncContext() {
        return SaveOnCompleteAsyncContext.wrap(super.getAsyncContext(), state);
    }
}
