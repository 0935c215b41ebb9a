package dev.tandem.examples.counter;

import dev.tandem.examples.NodeName;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Resin's Counter case. The {@link Counter} is put in the session once and then only mutated in
 * place: no {@code setAttribute} follows the increment, so nothing marks the session changed.
 * Deployed twice: {@code /counter} without {@code always-save-session} (the increments live only
 * in the serving node's memory until it stops gracefully; a crash or a failover loses them) and
 * {@code /counter-saved} with it (every request saves what changed, so nothing is lost).
 */
public class CounterServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession();
        Counter counter = (Counter) session.getAttribute("counter");
        if (counter == null) {
            counter = new Counter();
            session.setAttribute("counter", counter);
        }
        int count = counter.increment();

        String node = NodeName.of(request);
        String accept = request.getHeader("Accept");
        if (accept == null || !accept.contains("text/html")) {
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().println("count=" + count + " node=" + node + " session=" + session.getId());
            return;
        }
        response.setContentType("text/html;charset=utf-8");
        PrintWriter out = response.getWriter();
        out.println("<!doctype html><title>Tandem counter</title>");
        out.println("<h1>Count: " + count + "</h1>");
        out.println("<p>Served by <b>" + node + "</b>, session <code>" + session.getId() + "</code>.</p>");
        out.println("<p>" + getServletContext().getInitParameter("explanation") + "</p>");
        out.println("<p><a href=\"" + response.encodeURL(request.getContextPath() + "/") + "\">Count again</a></p>");
    }
}
