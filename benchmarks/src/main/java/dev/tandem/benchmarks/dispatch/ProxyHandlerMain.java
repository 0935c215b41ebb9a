package dev.tandem.benchmarks.dispatch;

import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The dispatch benchmark's other anchor: Jetty 12's own reverse proxy ({@code ProxyHandler.Reverse})
 * round-robin over the backends given as ports. Prints {@code READY <port>}.
 */
public final class ProxyHandlerMain {
    private ProxyHandlerMain() {}

    public static void main(String[] args) throws Exception {
        int[] ports = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            ports[i] = Integer.parseInt(args[i]);
        }
        AtomicInteger next = new AtomicInteger();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new ProxyHandler.Reverse(request -> HttpURI.build(request.getHttpURI())
                .scheme("http").host("127.0.0.1").port(ports[Math.floorMod(next.getAndIncrement(), ports.length)])
                .asImmutable()));
        server.start();
        System.out.println("READY " + connector.getLocalPort());
        System.out.flush();
        server.join();
    }
}
