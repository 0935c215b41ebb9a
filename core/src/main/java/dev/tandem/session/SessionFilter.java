package dev.tandem.session;

import dev.tandem.serial.AttributeCodec;
import dev.tandem.session.spi.SessionChangeListener;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreProvider;
import dev.tandem.session.spi.StoreContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the code behind it Tandem sessions: persistent, and shared by every node of a cluster,
 * in any Servlet 6 container. Configured by init-params (see the README); map it to
 * {@code /*} for the REQUEST, ASYNC and ERROR dispatchers, with async-supported.
 */
public class SessionFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(SessionFilter.class);

    private SessionManager manager;
    private SessionCookie cookie;

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        ServletContext context = filterConfig.getServletContext();
        String webApp = webAppName(context.getContextPath());
        Map<String, String> params = new HashMap<>();
        for (String name : Collections.list(filterConfig.getInitParameterNames())) {
            params.put(name, filterConfig.getInitParameter(name));
        }
        ClassLoader loader = context.getClassLoader();
        if (loader == null) {
            loader = Thread.currentThread().getContextClassLoader();
        }
        SessionStore store = null;
        try {
            SessionStoreProvider provider = SessionStoreProviders.find(
                    params.getOrDefault(SessionConfig.PERSISTENT_STORE, "memory").trim(), loader);
            SessionConfig config = SessionConfig.parse(params, context.getSessionTimeout(), provider.parameterNames());
            AttributeCodec codec = config.serialization().codec(loader, config.serializationFilter());
            SessionListeners listeners = SessionListeners.instantiate(config.listeners(), loader);
            Clock clock = Clock.systemUTC();
            // The store is made before the manager it reports to; a change it reports before then
            // concerns no cached session, so it is ignored.
            AtomicReference<SessionManager> made = new AtomicReference<>();
            SessionChangeListener changes = id -> {
                SessionManager m = made.get();
                if (m != null) {
                    m.changedElsewhere(id);
                }
            };
            store = provider.create(new StoreContext(webApp, config.storeParameters(), clock,
                    config.sessionTimeout(), loader, changes));
            cookie = new SessionCookie(context, config.cookieName(), config.cookieHttpOnly());
            manager = new SessionManager(config, store, codec, listeners, clock, webApp, context);
            made.set(manager);
            LOG.info("[{}] Tandem sessions started: {}", webApp, config.describe());
        } catch (RuntimeException e) {
            if (store != null) {
                store.close();
            }
            throw new ServletException("[" + webApp + "] Tandem session filter cannot start: " + e.getMessage(), e);
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest httpRequest)
                || !(response instanceof HttpServletResponse httpResponse)
                || alreadyWrapped(request)) {
            chain.doFilter(request, response);
            return;
        }
        // An error page or async dispatch of a request we saw already shares that request's session.
        RequestSessionState state = (RequestSessionState) request.getAttribute(RequestSessionState.ATTRIBUTE);
        if (state == null) {
            state = new RequestSessionState(manager, cookie, httpRequest);
            request.setAttribute(RequestSessionState.ATTRIBUTE, state);
        }
        SessionResponse wrappedResponse = new SessionResponse(httpResponse, httpRequest, state);
        state.bind(wrappedResponse);
        SessionRequest wrappedRequest = new SessionRequest(httpRequest, wrappedResponse, state);
        try {
            chain.doFilter(wrappedRequest, wrappedResponse);
        } catch (SessionLimitException | ServletException e) {
            if (!(rootCause(e) instanceof SessionLimitException) || httpResponse.isCommitted()) {
                throw e;
            }
            httpResponse.reset();
            httpResponse.setHeader("Retry-After", "30");
            httpResponse.sendError(503, "too many sessions while the session store is unavailable; try again later");
        } finally {
            if (!wrappedRequest.isAsyncStarted()) {
                state.finish();
            }
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && !(t instanceof SessionLimitException)) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean alreadyWrapped(ServletRequest request) {
        ServletRequest r = request;
        while (r instanceof ServletRequestWrapper wrapper) {
            if (r instanceof SessionRequest) {
                return true;
            }
            r = wrapper.getRequest();
        }
        return false;
    }

    @Override
    public void destroy() {
        if (manager != null) {
            manager.close();
        }
    }

    /** A name for the web-app that is safe in a file name: {@code /shop} is {@code shop}, the root is {@code ROOT}. */
    static String webAppName(String contextPath) {
        if (contextPath == null || contextPath.isEmpty() || contextPath.equals("/")) {
            return "ROOT";
        }
        return contextPath.substring(1).replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
