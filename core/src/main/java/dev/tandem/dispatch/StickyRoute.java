package dev.tandem.dispatch;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;
import java.util.Optional;
import java.util.Set;

/**
 * Session stickiness, as in Resin: the first character of the session id (cookie, else
 * {@code ;jsessionid=} in the URL) names the owner server, the second its backup. Any id counts,
 * well formed or not, so {@code /admin;jsessionid=b} pins a request to the second server;
 * validating ids is the app tier's job. A draining server keeps its sticky requests.
 */
final class StickyRoute {
    private static final String URL_PARAM = ";jsessionid=";

    private final String cookieName;

    StickyRoute(String cookieName) {
        this.cookieName = cookieName;
    }

    /**
     * The owner of session {@code id} (null for none) if it takes the request, else the backup,
     * counted in: its lease; null to let the balancer choose.
     */
    Lease acquire(String id, Pool pool, Set<Backend> excluded, long now) {
        if (id == null) {
            return null;
        }
        for (int i = 0; i < Math.min(2, id.length()); i++) {
            Optional<Backend> server = pool.byIndexChar(id.charAt(i));
            if (server.isEmpty()) {
                return null;
            }
            Backend b = server.get();
            Lease lease = excluded.contains(b) ? null : b.tryAcquire(now, true);
            if (lease != null) {
                return lease;
            }
        }
        return null;
    }

    /** The session id the request carries in the cookie or the URL, or null. */
    String sessionId(HttpServletRequest request) {
        Enumeration<String> headers = request.getHeaders("Cookie");
        while (headers != null && headers.hasMoreElements()) {
            String id = cookieValue(headers.nextElement(), cookieName);
            if (id != null) {
                return id;
            }
        }
        String uri = request.getRequestURI();
        int at = uri.indexOf(URL_PARAM);
        if (at < 0) {
            at = indexOfIgnoreCase(uri, URL_PARAM);
            if (at < 0) {
                return null;
            }
        }
        int start = at + URL_PARAM.length();
        int end = start;
        while (end < uri.length() && uri.charAt(end) != ';' && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
            end++;
        }
        return end > start ? uri.substring(start, end) : null;
    }

    static String cookieValue(String header, String name) {
        int i = 0;
        int n = header.length();
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';' || header.charAt(i) == ',')) {
                i++;
            }
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = n;
            }
            int eq = header.indexOf('=', i);
            if (eq > i && eq < end && header.regionMatches(i, name, 0, name.length()) && header.substring(i, eq).trim().equals(name)) {
                String value = header.substring(eq + 1, end).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? null : value;
            }
            i = end + 1;
        }
        return null;
    }

    private static int indexOfIgnoreCase(String s, String what) {
        for (int i = 0; i + what.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, what, 0, what.length())) {
                return i;
            }
        }
        return -1;
    }
}
