package dev.tandem.chaos;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * A servlet that shows a whole session at once, so a test sees a partial one: {@code /make?n=N}
 * stores three attributes derived from N; {@code /read} answers {@code x=..;y=..;z=..} or
 * {@code none}.
 */
final class LedgerProbe extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=utf-8");
        if ("/make".equals(request.getPathInfo())) {
            int n = Integer.parseInt(request.getParameter("n"));
            HttpSession session = request.getSession();
            session.setAttribute("x", "x-" + n);
            session.setAttribute("y", "y-" + n + "-" + "y".repeat(n % 40));
            session.setAttribute("z", n);
            response.getWriter().print(expected(n));
            return;
        }
        HttpSession session = request.getSession(false);
        response.getWriter().print(session == null ? "none" : "x=" + session.getAttribute("x") + ";y="
                + session.getAttribute("y") + ";z=" + session.getAttribute("z"));
    }

    /** What {@code /read} answers for the session {@code /make?n=N} made. */
    static String expected(int n) {
        return "x=x-" + n + ";y=y-" + n + "-" + "y".repeat(n % 40) + ";z=" + n;
    }
}
