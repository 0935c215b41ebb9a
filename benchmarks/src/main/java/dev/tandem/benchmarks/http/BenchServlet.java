package dev.tandem.benchmarks.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The web-app of the HTTP benchmarks, the same whichever sessions sit in front of it:
 * <ul>
 * <li>{@code /create}: a new session with a typical content (five attributes, about 2 KiB);
 * <li>{@code /read}: reads two attributes, changes nothing (404 without a session);
 * <li>{@code /write}: changes one attribute ({@code counter + 1}) and answers its new value;
 * <li>{@code /large-create}, {@code /large-one}, {@code /large-all}: a session of
 *     {@value #LARGE_ATTRIBUTES} attributes of {@value #LARGE_ATTRIBUTE_BYTES} bytes (100 KB), then
 *     one of them or all of them replaced.
 * </ul>
 */
final class BenchServlet extends HttpServlet {
    static final int LARGE_ATTRIBUTES = 200;
    static final int LARGE_ATTRIBUTE_BYTES = 500;
    private static final byte[] OK = "ok\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        switch (path) {
            case "/create" -> {
                HttpSession session = request.getSession(true);
                session.setAttribute("user", "user" + ThreadLocalRandom.current().nextInt() + "@example.com");
                session.setAttribute("locale", "en-GB");
                List<String> cart = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    cart.add("sku-" + ThreadLocalRandom.current().nextInt(100_000));
                }
                session.setAttribute("cart", cart);
                session.setAttribute("counter", 0);
                session.setAttribute("payload", randomBytes(1800));
                answer(response, OK);
            }
            case "/read" -> {
                HttpSession session = request.getSession(false);
                if (session == null) {
                    response.sendError(404, "no session");
                    return;
                }
                Object user = session.getAttribute("user");
                Object counter = session.getAttribute("counter");
                answer(response, (user == null ? "?" : "count=" + counter + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            case "/write" -> {
                HttpSession session = request.getSession(false);
                if (session == null) {
                    response.sendError(404, "no session");
                    return;
                }
                Integer counter = (Integer) session.getAttribute("counter");
                int next = (counter == null ? 0 : counter) + 1;
                session.setAttribute("counter", next);
                answer(response, ("count=" + next + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            case "/large-create" -> {
                HttpSession session = request.getSession(true);
                for (int i = 0; i < LARGE_ATTRIBUTES; i++) {
                    session.setAttribute(largeName(i), randomBytes(LARGE_ATTRIBUTE_BYTES));
                }
                answer(response, OK);
            }
            case "/large-one", "/large-all" -> {
                HttpSession session = request.getSession(false);
                if (session == null) {
                    response.sendError(404, "no session");
                    return;
                }
                int changed = path.equals("/large-one") ? 1 : LARGE_ATTRIBUTES;
                for (int i = 0; i < changed; i++) {
                    session.setAttribute(largeName(i), randomBytes(LARGE_ATTRIBUTE_BYTES));
                }
                answer(response, OK);
            }
            default -> response.sendError(404, "no such benchmark page: " + path);
        }
    }

    private static String largeName(int i) {
        return String.format("attribute-%03d", i);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static void answer(HttpServletResponse response, byte[] body) throws IOException {
        response.setContentType("text/plain");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
