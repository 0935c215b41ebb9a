package dev.tandem.session;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The session of one request, shared by the wrappers of every dispatch of that request (the
 * original one, error pages, async dispatches). Finds the requested session lazily, so requests
 * that never call {@code getSession} never reach the store. Methods are synchronized because an
 * async request may be served by several threads in turn.
 */
final class RequestSessionState {
    static final String ATTRIBUTE = RequestSessionState.class.getName();

    private final SessionManager manager;
    private final SessionCookie cookie;
    /** Well-formed ids the client sent, cookies first; anything malformed never gets here. */
    private final List<String> candidates = new ArrayList<>();
    private final boolean fromCookie;
    private String requestedId;
    private boolean looked;
    private TandemSession session;
    private boolean acquired;
    private SessionResponse response;

    RequestSessionState(SessionManager manager, SessionCookie cookie, HttpServletRequest request) {
        this.manager = manager;
        this.cookie = cookie;
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (cookie.name().equals(c.getName()) && SessionId.isWellFormed(c.getValue())
                        && !candidates.contains(c.getValue())) {
                    candidates.add(c.getValue());
                }
            }
        }
        this.fromCookie = !candidates.isEmpty();
        // Only where the web-app tracks sessions by URL, as Tomcat does: else a link could carry an
        // attacker's session id into a victim's requests.
        if (cookie.urlTracking()) {
            String urlId = UrlSessionId.find(request.getRequestURI());
            if (urlId == null && request.isRequestedSessionIdFromURL()) {
                urlId = request.getRequestedSessionId(); // a container that strips path parameters from the URI
            }
            if (SessionId.isWellFormed(urlId) && !candidates.contains(urlId)) {
                candidates.add(urlId);
            }
        }
        this.requestedId = candidates.isEmpty() ? null : candidates.get(0);
    }

    /** The latest response wrapper, where a new session's cookie goes. */
    synchronized void bind(SessionResponse response) {
        this.response = response;
    }

    synchronized TandemSession getSession(boolean create) {
        if (session != null) {
            if (session.isValid()) {
                if (!acquired) {
                    manager.reacquire(session);
                    acquired = true;
                }
                return session;
            }
            release(); // invalidated during this request: a new one may be made below
            session = null;
        }
        if (!looked) {
            looked = true;
            for (String id : candidates) {
                TandemSession found = manager.find(id);
                if (found != null) {
                    requestedId = id;
                    session = found;
                    acquired = true;
                    return found;
                }
            }
        }
        if (!create) {
            return null;
        }
        if (response.isCommitted()) {
            throw new IllegalStateException("cannot create a session after the response was committed; "
                    + "call request.getSession() before writing the response");
        }
        session = manager.create();
        acquired = true;
        response.addSessionCookie(session.getId());
        return session;
    }

    synchronized String changeSessionId() {
        TandemSession current = getSession(false);
        if (current == null) {
            throw new IllegalStateException("changeSessionId: this request has no session");
        }
        String newId = manager.changeId(current);
        response.addSessionCookie(newId);
        return newId;
    }

    synchronized String requestedId() {
        return requestedId;
    }

    synchronized boolean requestedIdValid() {
        if (requestedId == null) {
            return false;
        }
        TandemSession current = getSession(false);
        return current != null && current.getId().equals(requestedId);
    }

    boolean requestedIdFromCookie() {
        return fromCookie;
    }

    boolean requestedIdFromUrl() {
        return !fromCookie && requestedId != null;
    }

    /** The id to put in URLs, or {@code null} when the client already sends the cookie. */
    synchronized String idForUrls() {
        if (session == null || !session.isValid() || !cookie.urlTracking()) {
            return null;
        }
        if (fromCookie && session.getId().equals(requestedId)) {
            return null;
        }
        return session.getId();
    }

    synchronized void saveBeforeCommit() {
        // Also when released: an async request may change the session after its first dispatch returned.
        if (session != null && session.isValid()) {
            manager.saveBeforeCommit(session);
        }
    }

    /** This dispatch of the request is done with the session: save by policy and release it. */
    synchronized void finish() {
        release();
    }

    private void release() {
        if (session != null && acquired) {
            acquired = false;
            manager.release(session);
        }
    }

    SessionCookie cookie() {
        return cookie;
    }
}
