package dev.tandem.dispatch;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks ({@code health-check}): every interval, a GET of the path on every server;
 * 2xx or 3xx within the connect timeout is good. One named daemon thread; its task catches and
 * logs everything so the schedule never dies.
 */
final class HealthChecker {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

    private final HealthCheck check;
    private final List<Backend> backends;
    private final HttpClient client;
    private final Clock clock;
    private final long timeoutMillis;
    private final long recoverMillis;
    private ScheduledExecutorService scheduler;

    HealthChecker(HealthCheck check, List<Backend> backends, HttpClient client, Clock clock, long timeoutMillis, long recoverMillis) {
        this.check = check;
        this.backends = backends;
        this.client = client;
        this.clock = clock;
        this.timeoutMillis = Math.min(timeoutMillis, check.interval().toMillis());
        this.recoverMillis = recoverMillis;
    }

    void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tandem-dispatch-health");
            t.setDaemon(true);
            return t;
        });
        long interval = check.interval().toMillis();
        scheduler.scheduleWithFixedDelay(this::checkAll, 0, interval, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private void checkAll() {
        for (Backend b : backends) {
            try {
                checkOne(b);
            } catch (RuntimeException e) {
                LOG.warn("dispatch: health check of {} could not be sent: {}", b, e.toString());
            }
        }
    }

    private void checkOne(Backend b) {
        long start = System.nanoTime();
        long at = clock.millis();
        client.newRequest(b.member.host(), b.member.port())
                .path(check.path())
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .send(result -> {
                    long micros = (System.nanoTime() - start) / 1000;
                    boolean good = result.isSucceeded() && result.getResponse().getStatus() < 400;
                    String detail = result.isSucceeded() ? "status " + result.getResponse().getStatus()
                            : result.getFailure().toString();
                    b.checked(new Backend.HealthResult(at, micros, good, detail), recoverMillis, check.goodChecks());
                });
    }
}
