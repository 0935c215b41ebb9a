package dev.tandem.dispatch;

import java.util.concurrent.CountDownLatch;

/**
 * A web-tier node in its own JVM, for tests that must bound its heap: {@code WebTierMain CLUSTER}
 * prints {@code READY <port>} once it serves, and runs until killed.
 */
public final class WebTierMain {
    private WebTierMain() {}

    public static void main(String[] args) throws InterruptedException {
        WebTier web = WebTier.with("cluster", args[0]).start();
        System.out.println("READY " + web.port());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
