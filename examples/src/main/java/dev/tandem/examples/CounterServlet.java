package dev.tandem.examples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;

/**
 * Resin's Counter case: a per-session hit counter. The count lives in a {@link Counter} object in
 * the session; this page calls {@code setAttribute} after each increment, so every change is saved.
 */
public class CounterServlet extends HttpServlet {

    /** The session's counter, mutated in place. */
    public static final class Counter implements Serializable {
        private static final long serialVersionUID = 1L;
        private int count;

        public synchronized int increment() {
            return ++count;
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession();
        Counter counter = (Counter) session.getAttribute("counter");
        if (counter == null) {
            counter = new Counter();
        }
        int count = counter.increment();
        session.setAttribute("counter", counter);

        String node = System.getProperty("tandem.server-id", "app-a");
        if ("text/plain".equals(request.getParameter("format"))
                || request.getHeader("Accept") == null || !request.getHeader("Accept").contains("text/html")) {
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().println("count=" + count + " node=" + node + " session=" + session.getId());
            return;
        }
        response.setContentType("text/html;charset=utf-8");
        PrintWriter out = response.getWriter();
        out.println("<!doctype html><title>Tandem counter</title>");
        out.println("<h1>Count: " + count + "</h1>");
        out.println("<p>Served by <b>" + node + "</b>, session <code>" + session.getId() + "</code>.</p>");
        out.println("<p><a href=\"" + response.encodeURL(request.getContextPath() + "/") + "\">Count again</a></p>");
    }
}
