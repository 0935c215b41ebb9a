package dev.tandem.session;

import jakarta.servlet.ServletContext;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The session cookie as the container would write it: the name, path (default: the context
 * path), domain, HttpOnly, Secure, Max-Age and other attributes (SameSite) of the container's
 * {@link SessionCookieConfig}, with {@code cookie-name} overriding the name; HttpOnly unless both
 * {@code cookie-http-only=false} and the container's config leave it off.
 */
final class SessionCookie {
    /** Set through the Cookie's own setters, or (name) not an attribute at all: Jetty lists every field. */
    private static final Set<String> SET_BY_SETTERS = Set.of("name", "domain", "path", "max-age", "secure", "httponly",
            "comment");

    private final String name;
    private final boolean httpOnly;
    private final SessionCookieConfig cookieConfig;
    private final boolean cookieTracking;
    private final boolean urlTracking;

    SessionCookie(ServletContext context, Optional<String> nameOverride, boolean httpOnly) {
        this.httpOnly = httpOnly;
        // A container without its own session support may have no cookie config at all.
        this.cookieConfig = context.getSessionCookieConfig();
        String configured = cookieConfig == null ? null : cookieConfig.getName();
        this.name = nameOverride.orElse(configured == null || configured.isBlank() ? "JSESSIONID" : configured);
        Set<SessionTrackingMode> modes = context.getEffectiveSessionTrackingModes();
        this.cookieTracking = modes == null || modes.isEmpty() || modes.contains(SessionTrackingMode.COOKIE);
        this.urlTracking = modes != null && modes.contains(SessionTrackingMode.URL);
    }

    String name() {
        return name;
    }

    boolean cookieTracking() {
        return cookieTracking;
    }

    boolean urlTracking() {
        return urlTracking;
    }

    Cookie create(String id, HttpServletRequest request) {
        Cookie cookie = new Cookie(name, id);
        cookie.setHttpOnly(httpOnly);
        String path = cookieConfig == null ? null : cookieConfig.getPath();
        if (path == null || path.isEmpty()) {
            path = request.getContextPath().isEmpty() ? "/" : request.getContextPath();
        }
        cookie.setPath(path);
        if (cookieConfig == null) {
            cookie.setSecure(request.isSecure());
            return cookie;
        }
        if (cookieConfig.getDomain() != null) {
            cookie.setDomain(cookieConfig.getDomain());
        }
        cookie.setHttpOnly(httpOnly || cookieConfig.isHttpOnly());
        cookie.setSecure(cookieConfig.isSecure() || request.isSecure());
        cookie.setMaxAge(cookieConfig.getMaxAge());
        for (Map.Entry<String, String> attribute : cookieConfig.getAttributes().entrySet()) {
            if (!SET_BY_SETTERS.contains(attribute.getKey().toLowerCase(Locale.ROOT))) {
                cookie.setAttribute(attribute.getKey(), attribute.getValue());
            }
        }
        return cookie;
    }
}
