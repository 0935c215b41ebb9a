package dev.tandem.dispatch;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * What a proxy does to headers (RFC 9110 §7.6): drops the hop-by-hop ones, including those the
 * {@code Connection} header names; keeps {@code Host} and {@code Set-Cookie} untouched; appends this
 * hop to {@code X-Forwarded-For} and {@code Forwarded}; sets {@code X-Forwarded-Proto} and
 * {@code X-Forwarded-Host} to what the client used. {@code Expect} is answered by this node's
 * container as the body is read, so it does not travel on.
 */
final class ProxyHeaders {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");
    private static final Set<String> REPLACED = Set.of("expect", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host", "forwarded");

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    private ProxyHeaders() {}

    static void copyRequest(HttpServletRequest request, HttpFields.Mutable to) {
        Set<String> named = connectionTokens(request.getHeaders("Connection"));
        Enumeration<String> names = request.getHeaderNames();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(lower) || REPLACED.contains(lower) || named.contains(lower)) {
                continue;
            }
            Enumeration<String> values = request.getHeaders(name);
            while (values.hasMoreElements()) {
                to.add(name, values.nextElement());
            }
        }
        String client = request.getRemoteAddr();
        String scheme = request.getScheme();
        String host = request.getHeader("Host");
        to.put("X-Forwarded-For", append(joined(request.getHeaders("X-Forwarded-For")), client));
        to.put("X-Forwarded-Proto", scheme);
        if (host != null) {
            to.put("X-Forwarded-Host", host);
        }
        String element = "for=" + forwardedNode(client) + (host == null ? "" : ";host=" + quoted(host)) + ";proto=" + scheme;
        to.put("Forwarded", append(joined(request.getHeaders("Forwarded")), element));
    }

    static void copyResponse(HttpFields from, HttpServletResponse to) {
        Set<String> named = new HashSet<>();
        for (HttpField f : from) {
            if (f.is("Connection")) {
                named.addAll(connectionTokens(f.getValue()));
            }
        }
        Set<String> seen = new HashSet<>();
        for (HttpField f : from) {
            String lower = f.getLowerCaseName();
            if (HOP_BY_HOP.contains(lower) || named.contains(lower)) {
                continue;
            }
            // The first value replaces what the container may have preset (Date, Server); the rest add.
            if (seen.add(lower)) {
                to.setHeader(f.getName(), f.getValue());
            } else {
                to.addHeader(f.getName(), f.getValue());
            }
        }
    }

    private static Set<String> connectionTokens(Enumeration<String> values) {
        Set<String> tokens = new HashSet<>();
        while (values != null && values.hasMoreElements()) {
            tokens.addAll(connectionTokens(values.nextElement()));
        }
        return tokens;
    }

    private static Set<String> connectionTokens(String value) {
        Set<String> tokens = new HashSet<>();
        for (String t : value.split(",")) {
            String token = t.trim().toLowerCase(Locale.ROOT);
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    private static String joined(Enumeration<String> values) {
        StringBuilder s = new StringBuilder();
        while (values != null && values.hasMoreElements()) {
            String v = values.nextElement().trim();
            if (!v.isEmpty()) {
                s.append(s.length() == 0 ? "" : ", ").append(v);
            }
        }
        return s.toString();
    }

    private static String append(String existing, String value) {
        return existing.isEmpty() ? value : existing + ", " + value;
    }

    /** RFC 7239 node: IPv6 addresses in brackets and quotes. */
    private static String forwardedNode(String address) {
        return address.indexOf(':') >= 0 ? "\"[" + address + "]\"" : address;
    }

    private static String quoted(String value) {
        return TOKEN.matcher(value).matches() ? value : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
