package dev.tandem.examples.cart;

import dev.tandem.examples.NodeName;
import dev.tandem.session.VersionedSession;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/**
 * A shop: log in (the session id changes, against session fixation), add items to a cart, log out
 * (the session is invalidated). Each page shows which node served it, the session's owner and
 * backup, and its stored version. Plain text for scripts ({@code Accept} without text/html).
 */
public class CartServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        show(request, response);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String action = request.getPathInfo() == null ? "/" : request.getPathInfo();
        switch (action) {
            case "/login" -> {
                String user = request.getParameter("user");
                if (user == null || !user.matches("[A-Za-z0-9._-]{1,40}")) {
                    response.sendError(400, "user must be 1-40 letters, digits, '.', '_' or '-'");
                    return;
                }
                request.getSession().setAttribute("user", user);
                request.changeSessionId();
            }
            case "/add" -> {
                String item = request.getParameter("item");
                if (item == null || !item.matches("[A-Za-z0-9 ._-]{1,40}")) {
                    response.sendError(400, "item must be 1-40 letters, digits, spaces, '.', '_' or '-'");
                    return;
                }
                HttpSession session = request.getSession();
                Cart cart = (Cart) session.getAttribute("cart");
                if (cart == null) {
                    cart = new Cart();
                }
                cart.add(item);
                session.setAttribute("cart", cart);
            }
            case "/logout" -> {
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
            }
            default -> {
                response.sendError(404);
                return;
            }
        }
        // Post/redirect/get: the redirect is saved before it is sent, so the GET sees the change on any node.
        response.sendRedirect(response.encodeRedirectURL(request.getContextPath() + "/"));
    }

    private void show(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession(false);
        String user = session == null ? null : (String) session.getAttribute("user");
        Cart cart = session == null ? null : (Cart) session.getAttribute("cart");
        List<String> items = cart == null ? List.of() : cart.items();
        long version = session instanceof VersionedSession v ? v.version() : 0;
        String owner = session instanceof VersionedSession v ? String.valueOf(v.ownerIndexChar()) : "-";
        String backup = session instanceof VersionedSession v ? String.valueOf(v.backupIndexChar()) : "-";
        String node = NodeName.of(request);

        String accept = request.getHeader("Accept");
        if (accept == null || !accept.contains("text/html")) {
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().println("user=" + user + " items=" + items + " node=" + node + " owner=" + owner
                    + " backup=" + backup + " version=" + version);
            return;
        }
        response.setContentType("text/html;charset=utf-8");
        PrintWriter out = response.getWriter();
        String base = request.getContextPath();
        out.println("<!doctype html><title>Tandem cart</title>");
        out.println("<p>Served by <b>" + node + "</b>; session owner <b>" + owner + "</b>, backup <b>" + backup
                + "</b>, version <b>" + version + "</b>.</p>");
        if (user == null) {
            out.println("<form method=post action=\"" + response.encodeURL(base + "/login") + "\">"
                    + "<input name=user placeholder=name> <button>Log in</button></form>");
        } else {
            out.println("<p>Logged in as <b>" + user + "</b>.</p>");
            out.println("<form method=post action=\"" + response.encodeURL(base + "/logout") + "\"><button>Log out</button></form>");
        }
        out.println("<h2>Cart (" + items.size() + ")</h2><ul>");
        for (String item : items) {
            out.println("<li>" + item + "</li>"); // items are validated to [A-Za-z0-9 ._-] on the way in
        }
        out.println("</ul><form method=post action=\"" + response.encodeURL(base + "/add") + "\">"
                + "<input name=item placeholder=item> <button>Add</button></form>");
    }
}
