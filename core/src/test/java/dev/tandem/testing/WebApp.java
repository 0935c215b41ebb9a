package dev.tandem.testing;

import dev.tandem.session.SessionFilter;
import jakarta.servlet.Servlet;
import jakarta.servlet.SessionTrackingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A web-app to deploy in a test container: a context path, the session filter's init-params, and
 * servlets by mapping. The same description deploys on Jetty and on Tomcat.
 */
public final class WebApp {
    final String contextPath;
    final Map<String, String> filterParams = new LinkedHashMap<>();
    final Map<String, Servlet> servlets = new LinkedHashMap<>();
    final Map<String, String> cookieAttributes = new LinkedHashMap<>();
    String cookieName;
    Set<SessionTrackingMode> trackingModes;
    boolean withFilter = true;

    private WebApp(String contextPath) {
        this.contextPath = contextPath;
    }

    /** A web-app at {@code contextPath} ({@code ""} for the root) with the {@link SessionFilter} on {@code /*}. */
    public static WebApp at(String contextPath) {
        return new WebApp(contextPath);
    }

    public WebApp param(String name, String value) {
        filterParams.put(name, value);
        return this;
    }

    public WebApp servlet(String mapping, Servlet servlet) {
        servlets.put(mapping, servlet);
        return this;
    }

    /** Sets the container's own session cookie name ({@code SessionCookieConfig}). */
    public WebApp containerCookieName(String name) {
        cookieName = name;
        return this;
    }

    /** Sets an attribute of the container's {@code SessionCookieConfig}, such as SameSite. */
    public WebApp containerCookieAttribute(String name, String value) {
        cookieAttributes.put(name, value);
        return this;
    }

    /** Sets the web-app's session tracking modes, as web.xml's {@code <tracking-mode>} would. */
    public WebApp trackingModes(SessionTrackingMode... modes) {
        trackingModes = Set.of(modes);
        return this;
    }

    /** Deploys without the session filter: the container's own sessions, for comparison. */
    public WebApp withoutFilter() {
        withFilter = false;
        return this;
    }

    public String contextPath() {
        return contextPath;
    }
}
