package dev.tandem.testing;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.Serializable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One servlet that does what each test asks through its path, mapped to {@code /probe/*}. Each
 * answer is plain text, so tests read it without parsing HTML.
 */
public final class ProbeServlet extends HttpServlet {
    /** Released by a test to let a request that blocks after committing its response finish. */
    public volatile CountDownLatch hold = new CountDownLatch(0);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        response.setContentType("text/plain;charset=utf-8");
        // An included servlet sees the including request's path; its own is in an attribute.
        Object included = request.getAttribute(jakarta.servlet.RequestDispatcher.INCLUDE_PATH_INFO);
        String action = included != null ? (String) included
                : request.getPathInfo() == null ? "/" : request.getPathInfo();
        String name = request.getParameter("name");
        String value = request.getParameter("value");
        switch (action) {
            case "/set" -> {
                request.getSession().setAttribute(name, value);
                response.getWriter().print("ok");
            }
            case "/get" -> {
                HttpSession session = request.getSession(false);
                response.getWriter().print(session == null ? "no session" : String.valueOf(session.getAttribute(name)));
            }
            case "/remove" -> {
                request.getSession().removeAttribute(name);
                response.getWriter().print("ok");
            }
            case "/info" -> {
                HttpSession session = request.getSession(false);
                response.getWriter().print("id=" + (session == null ? null : session.getId())
                        + " new=" + (session == null ? null : session.isNew())
                        + " requested=" + request.getRequestedSessionId()
                        + " valid=" + request.isRequestedSessionIdValid()
                        + " fromCookie=" + request.isRequestedSessionIdFromCookie()
                        + " fromUrl=" + request.isRequestedSessionIdFromURL());
            }
            case "/invalidate" -> {
                request.getSession().invalidate();
                response.getWriter().print("invalidated");
            }
            case "/change-id" -> response.getWriter().print(request.changeSessionId());
            case "/link" -> {
                request.getSession();
                response.getWriter().print(response.encodeURL(request.getContextPath() + "/probe/get?name=" + name));
            }
            case "/encode" -> {
                request.getSession();
                response.getWriter().print(response.encodeURL(request.getParameter("url")));
            }
            case "/count" -> {
                HttpSession session = request.getSession();
                AtomicInteger counter = (AtomicInteger) session.getAttribute("counter");
                if (counter == null) {
                    counter = new AtomicInteger();
                }
                int now = counter.incrementAndGet();
                // Mutated in place; the setAttribute is what marks it changed (unless "inplace" is asked).
                if (request.getParameter("inplace") == null) {
                    session.setAttribute("counter", counter);
                } else if (session.getAttribute("counter") == null) {
                    session.setAttribute("counter", counter);
                }
                response.getWriter().print(now);
            }
            case "/max-inactive" -> {
                HttpSession session = request.getSession();
                session.setMaxInactiveInterval(Integer.parseInt(value));
                session.setAttribute("watched", new Watched(session.getId()));
                response.getWriter().print(session.getId());
            }
            case "/set-then-redirect" -> {
                request.getSession().setAttribute(name, value);
                response.sendRedirect(response.encodeRedirectURL(request.getContextPath() + "/probe/get?name=" + name));
            }
            case "/set-then-flush" -> {
                request.getSession().setAttribute(name, value);
                response.setContentLength(2);
                response.getWriter().print("ok");
                response.flushBuffer();
                awaitHold();
            }
            case "/set-then-write-big" -> {
                request.getSession().setAttribute(name, value);
                byte[] chunk = new byte[1024];
                java.util.Arrays.fill(chunk, (byte) 'x');
                var out = response.getOutputStream();
                for (int i = 0; i < 64; i++) {
                    out.write(chunk);
                }
                awaitHold();
            }
            case "/async-set" -> {
                AsyncContext async = request.startAsync();
                async.start(() -> {
                    try {
                        HttpServletRequest r = (HttpServletRequest) async.getRequest();
                        r.getSession().setAttribute(name, value);
                        async.getResponse().getWriter().print("async ok");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } finally {
                        async.complete();
                    }
                });
            }
            case "/forward" -> request.getRequestDispatcher("/probe/get").forward(request, response);
            case "/include" -> {
                request.getSession().setAttribute(name, value);
                response.getWriter().print("included:");
                request.getRequestDispatcher("/probe/get").include(request, response);
            }
            case "/set-object" -> {
                request.getSession().setAttribute(name, new Opaque(value));
                response.getWriter().print("ok");
            }
            case "/get-object" -> {
                HttpSession session = request.getSession(false);
                Object o = session == null ? null : session.getAttribute(name);
                response.getWriter().print(session == null ? "no session" : o instanceof Opaque op ? op.value : "null");
            }
            case "/set-activated" -> {
                HttpSession session = request.getSession();
                session.setAttribute(name, new Activated(session.getId(), value));
                response.getWriter().print("ok");
            }
            case "/get-activated" -> {
                HttpSession session = request.getSession(false);
                Object o = session == null ? null : session.getAttribute(name);
                response.getWriter().print(session == null ? "no session" : o instanceof Activated act ? act.value : "null");
            }
            default -> response.sendError(404, "no such probe: " + action);
        }
    }

    private void awaitHold() throws ServletException {
        try {
            if (!hold.await(20, TimeUnit.SECONDS)) {
                throw new ServletException("the test never released the held request");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A value of a class that tests may forbid through serialization-filter. */
    public static final class Opaque implements Serializable {
        final String value;

        Opaque(String value) {
            this.value = value;
        }
    }

    /** Records its passivation and activation, to prove eviction and reloading call them. */
    public static final class Activated implements jakarta.servlet.http.HttpSessionActivationListener, Serializable {
        private final String sessionId;
        final String value;

        Activated(String sessionId, String value) {
            this.sessionId = sessionId;
            this.value = value;
        }

        @Override
        public void sessionWillPassivate(jakarta.servlet.http.HttpSessionEvent event) {
            SessionEvents.record(sessionId, "sessionWillPassivate");
        }

        @Override
        public void sessionDidActivate(jakarta.servlet.http.HttpSessionEvent event) {
            SessionEvents.record(sessionId, "sessionDidActivate");
        }
    }

    /** Records its unbinding, to prove expiry unbinds attributes. */
    public static final class Watched implements jakarta.servlet.http.HttpSessionBindingListener, Serializable {
        private final String sessionId;

        Watched(String sessionId) {
            this.sessionId = sessionId;
        }

        @Override
        public void valueUnbound(jakarta.servlet.http.HttpSessionBindingEvent event) {
            SessionEvents.record(sessionId, "valueUnbound");
        }
    }
}
