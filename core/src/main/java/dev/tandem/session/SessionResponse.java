package dev.tandem.session;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.regex.Pattern;

/**
 * Saves the session before the response is committed, so that a client that sends its next request
 * the moment it reads this response sees the saved state. The container commits when the servlet
 * flushes, fills the buffer, reaches the content length, redirects or sends an error; each of those
 * is intercepted here. Also writes the session cookie and rewrites URLs with {@code ;jsessionid=}.
 */
final class SessionResponse extends HttpServletResponseWrapper {
    private final RequestSessionState state;
    private final HttpServletRequest request;
    private boolean savedBeforeCommit;
    private long written;
    private long contentLength = -1;
    private ServletOutputStream outputStream;
    private PrintWriter writer;

    SessionResponse(HttpServletResponse response, HttpServletRequest request, RequestSessionState state) {
        super(response);
        this.request = request;
        this.state = state;
    }

    void addSessionCookie(String id) {
        SessionCookie cookie = state.cookie();
        if (cookie.cookieTracking()) {
            addCookie(cookie.create(id, request));
        }
    }

    /** Called before {@code bytes} more bytes go to the container: saves first if they could commit it. */
    void beforeWrite(long bytes) {
        if (savedBeforeCommit) {
            return;
        }
        written += bytes;
        if (written >= getBufferSize() || (contentLength >= 0 && written >= contentLength)) {
            beforeCommit();
        }
    }

    void beforeCommit() {
        if (!savedBeforeCommit && !isCommitted()) {
            savedBeforeCommit = true;
            state.saveBeforeCommit();
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (outputStream == null) {
            outputStream = new SaveBeforeCommitOutputStream(super.getOutputStream(), this);
        }
        return outputStream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            PrintWriter target = super.getWriter();
            float bytesPerChar;
            try {
                bytesPerChar = Charset.forName(getCharacterEncoding()).newEncoder().maxBytesPerChar();
            } catch (RuntimeException e) {
                bytesPerChar = 4;
            }
            writer = new PrintWriter(new SaveBeforeCommitWriter(target, this, bytesPerChar), false);
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        beforeCommit();
        super.flushBuffer();
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        beforeCommit();
        super.sendRedirect(location);
    }

    @Override
    public void sendError(int sc) throws IOException {
        beforeCommit();
        super.sendError(sc);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        beforeCommit();
        super.sendError(sc, msg);
    }

    @Override
    public void setContentLength(int len) {
        contentLength = len;
        super.setContentLength(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        contentLength = len;
        super.setContentLengthLong(len);
    }

    @Override
    public void reset() {
        super.reset();
        written = 0;
        contentLength = -1;
    }

    @Override
    public void resetBuffer() {
        super.resetBuffer();
        written = 0;
    }

    @Override
    public String encodeURL(String url) {
        return encode(url);
    }

    @Override
    public String encodeRedirectURL(String url) {
        return encode(url);
    }

    /** What the URL standard strips from anywhere in a URL before reading it. */
    private static final Pattern BROWSER_IGNORES = Pattern.compile("[\\t\\n\\r]");
    /** An RFC 3986 scheme and its colon, before any slash, query or fragment. */
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");

    private String encode(String url) {
        if (url == null) {
            return null;
        }
        String id = state.idForUrls();
        if (id == null || !isSameWebApp(url)) {
            return url;
        }
        return UrlSessionId.encode(url, id);
    }

    /** Only URLs that lead back into this web-app carry the session id; never a third party's. */
    private boolean isSameWebApp(String url) {
        // Read as a browser reads it: tabs and line breaks dropped, a backslash taken for a slash.
        String u = BROWSER_IGNORES.matcher(url).replaceAll("").replace('\\', '/');
        if (u.isEmpty() || u.startsWith("#") || u.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            return false; // leading blanks and control characters: let nobody guess how it is read
        }
        if (!SCHEME.matcher(u).lookingAt()) {
            return !u.startsWith("//"); // a path; "//host" is another site
        }
        if (!u.regionMatches(true, 0, "http://", 0, 7) && !u.regionMatches(true, 0, "https://", 0, 8)) {
            return false; // mailto:, javascript:, and "http:" without "//"
        }
        try {
            java.net.URI uri = new java.net.URI(u);
            int port = uri.getPort() == -1 ? ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80) : uri.getPort();
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            String contextPath = request.getContextPath();
            return uri.getScheme().equalsIgnoreCase(request.getScheme())
                    && request.getServerName().equalsIgnoreCase(uri.getHost())
                    && port == request.getServerPort()
                    && (contextPath.isEmpty() || path.equals(contextPath) || path.startsWith(contextPath + "/"));
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return false;
        }
    }
}
