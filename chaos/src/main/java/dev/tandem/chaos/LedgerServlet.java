package dev.tandem.chaos;

import dev.tandem.examples.NodeName;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The chaos runner's web-app: each request does one session operation and answers with the
 * session's whole state on one line, so the client can check it against its ledger:
 * {@code token=T node=N counter=C a=A b=B cart=1,2,3}. The token is set once when the session is
 * created, so a session that was lost (and silently re-created) or that came back after an
 * invalidation is recognised whatever its id.
 *
 * <ul>
 *   <li>{@code GET ?op=read}: reads (creates the session if there is none);</li>
 *   <li>{@code GET ?op=peek}: reads without creating: {@code none} when there is no session;</li>
 *   <li>{@code POST ?op=incr}: counter + 1;</li>
 *   <li>{@code POST ?op=set&attr=a|b&value=N}: one of two attributes that parallel requests change
 *       (raised to N, never lowered);</li>
 *   <li>{@code POST ?op=add&item=N}: an item appended to the cart;</li>
 *   <li>{@code POST ?op=logout}: invalidates the session.</li>
 * </ul>
 * Every change is a {@code setAttribute} of a new value, so no save policy is needed to see it.
 */
public class LedgerServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String op = request.getParameter("op");
        if ("peek".equals(op)) {
            HttpSession session = request.getSession(false);
            reply(request, response, session == null ? "none" : state(session));
        } else if ("read".equals(op)) {
            reply(request, response, state(session(request)));
        } else {
            response.sendError(400, "GET takes op=read or op=peek, not op=" + op);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String op = String.valueOf(request.getParameter("op"));
        HttpSession session = session(request);
        switch (op) {
            case "incr" -> session.setAttribute("counter", (Integer) session.getAttribute("counter") + 1);
            case "set" -> {
                String attr = request.getParameter("attr");
                if (!"a".equals(attr) && !"b".equals(attr)) {
                    response.sendError(400, "attr must be a or b, not " + attr);
                    return;
                }
                // The larger value wins, so that a request the client gave up on and that lands late
                // cannot take the attribute back below a value acknowledged since.
                long value = Long.parseLong(request.getParameter("value"));
                session.setAttribute(attr, Math.max(value, (Long) session.getAttribute(attr)));
            }
            case "add" -> {
                @SuppressWarnings("unchecked")
                List<Integer> cart = new ArrayList<>((List<Integer>) session.getAttribute("cart"));
                cart.add(Integer.parseInt(request.getParameter("item")));
                session.setAttribute("cart", cart);
            }
            case "logout" -> {
                String token = (String) session.getAttribute("token");
                session.invalidate();
                reply(request, response, "invalidated token=" + token);
                return;
            }
            default -> {
                response.sendError(400, "POST takes op=incr, set, add or logout, not op=" + op);
                return;
            }
        }
        reply(request, response, state(session));
    }

    /** The request's session, created with its token and empty values if there is none. */
    private static HttpSession session(HttpServletRequest request) {
        HttpSession session = request.getSession();
        if (session.getAttribute("token") == null) {
            session.setAttribute("counter", 0);
            session.setAttribute("a", 0L);
            session.setAttribute("b", 0L);
            session.setAttribute("cart", new ArrayList<Integer>());
            session.setAttribute("token", UUID.randomUUID().toString());
        }
        return session;
    }

    private static String state(HttpSession session) {
        @SuppressWarnings("unchecked")
        List<Integer> cart = (List<Integer>) session.getAttribute("cart");
        return "token=" + session.getAttribute("token") + " counter=" + session.getAttribute("counter")
                + " a=" + session.getAttribute("a") + " b=" + session.getAttribute("b")
                + " cart=" + cart.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static void reply(HttpServletRequest request, HttpServletResponse response, String line)
            throws IOException {
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().println(line + " node=" + NodeName.of(request));
    }
}
