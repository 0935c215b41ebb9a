package dev.tandem.examples;

import dev.tandem.examples.demo.DemoCluster;
import dev.tandem.examples.demo.DemoOptions;
import dev.tandem.examples.demo.StoreChoice;
import java.util.concurrent.CountDownLatch;

/**
 * The demo launcher ({@code ./demo.sh}): on 127.0.0.1, a web tier with the dispatch filter (port
 * 8080) in front of three app nodes {@code app-a}, {@code app-b}, {@code app-c}, each its own JVM
 * serving the example web-apps with the chosen store (default {@code cluster}). Prints the URLs and
 * a walkthrough; Ctrl-C stops everything. {@code --help} lists the options.
 */
public final class Demo {
    private Demo() {}

    public static void main(String[] args) throws Exception {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(DemoOptions.USAGE_TEXT);
            return;
        }
        System.out.println("Starting the web tier and 3 app nodes (store " + options.store() + ") ...");
        DemoCluster demo = DemoCluster.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping the demo ...");
            demo.close();
            stopped.countDown();
        }, "demo-shutdown"));
        printWalkthrough(demo);
        stopped.await();
    }

    private static void printWalkthrough(DemoCluster demo) {
        String web = demo.webUrl();
        StringBuilder s = new StringBuilder();
        s.append("\nTandem demo is up: a web tier (dispatch filter) in front of 3 app nodes, store ")
                .append(demo.options().store()).append(".\n");
        s.append("  ").append(web).append("/cart/            log in, add items; the page shows the serving node, owner, backup, version\n");
        s.append("  ").append(web).append("/counter/         Resin's counter, changed in place without setAttribute\n");
        s.append("  ").append(web).append("/counter-saved/   the same with always-save-session=true\n");
        s.append("  ").append(web).append("/demo/            the nodes, with kill and restart buttons\n");
        s.append("  ").append(web).append("/tandem-status    the balancer's view of the nodes\n");
        for (String node : demo.nodeNames()) {
            s.append("  ").append(node).append(": ").append(demo.nodeUrl(node)).append(", pid ").append(demo.pid(node))
                    .append(", log ").append(demo.log(node)).append('\n');
        }
        s.append("\nTry: open ").append(web).append("/cart/, log in and add items; note the owner (a, b or c = app-a, app-b, app-c).\n");
        s.append("Kill the owner like a crash, e.g. app-b:\n");
        s.append("  curl -X POST '").append(web).append("/demo/kill?node=app-b'      (or: kill -9 <its pid>)\n");
        s.append("Reload the cart: same items, served by the backup. Bring the node back:\n");
        s.append("  curl -X POST '").append(web).append("/demo/restart?node=app-b'\n");
        if (demo.options().store() == StoreChoice.CLUSTER) {
            s.append("Counters: count a few times on /counter/ and /counter-saved/, kill the node that served them;\n");
            s.append("/counter/ falls back to its last saved count, /counter-saved/ keeps every increment.\n");
        } else {
            s.append("(With --store ").append(demo.options().store())
                    .append(" each node keeps its own sessions: a failover starts a new session. Use the default cluster store to see it survive.)\n");
        }
        s.append("Ctrl-C stops everything.\n");
        System.out.println(s);
    }
}
