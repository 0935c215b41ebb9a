package dev.tandem.benchmarks.dispatch;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The app node of the dispatch benchmark: Jetty 12 answering a small text body. Prints {@code READY <port>}. */
public final class BackendMain {
    private static final byte[] BODY = "hello, world\n".getBytes(StandardCharsets.UTF_8);

    private BackendMain() {}

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain");
                response.setContentLength(BODY.length);
                response.getOutputStream().write(BODY);
            }
        }, "/");
        server.setHandler(context);
        server.start();
        System.out.println("READY " + connector.getLocalPort());
        server.join();
    }
}
