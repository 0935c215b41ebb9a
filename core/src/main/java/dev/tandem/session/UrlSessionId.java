package dev.tandem.session;

/** The {@code ;jsessionid=} path parameter: reading it from a request URI and adding it to a URL. */
final class UrlSessionId {
    static final String PARAMETER = ";jsessionid=";

    private UrlSessionId() {}

    /** The raw value of {@code ;jsessionid=} in a request URI, or {@code null}; not validated here. */
    static String find(String requestUri) {
        if (requestUri == null) {
            return null;
        }
        int start = requestUri.indexOf(PARAMETER);
        if (start < 0) {
            return null;
        }
        start += PARAMETER.length();
        int end = start;
        while (end < requestUri.length() && ";/?#".indexOf(requestUri.charAt(end)) < 0) {
            end++;
        }
        return requestUri.substring(start, end);
    }

    /** {@code url} with {@code ;jsessionid=id} before its query and fragment. */
    static String encode(String url, String id) {
        if (url.contains(PARAMETER)) {
            return url;
        }
        int end = url.length();
        int query = url.indexOf('?');
        if (query >= 0) {
            end = query;
        }
        int fragment = url.indexOf('#');
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        return url.substring(0, end) + PARAMETER + id + url.substring(end);
    }
}
