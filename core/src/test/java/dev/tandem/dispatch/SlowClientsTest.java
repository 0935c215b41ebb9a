package dev.tandem.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.testing.Await;
import dev.tandem.testing.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class SlowClientsTest {

    @Test
    void twoHundredSlowClientsDoNotStopFastClientsBeingServed() {
        List<RawHttp> slow = new ArrayList<>();
        try (AppNode a = AppNode.start("a"); WebTier web = WebTier.with("cluster", a.entry()).start()) {
            for (int i = 0; i < 200; i++) {
                RawHttp http = new RawHttp(web.port());
                slow.add(http);
                http.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789");
            }
            Await.until("the 200 slow uploads reached the app server", Duration.ofSeconds(30), () -> a.hits.get() >= 200);
            TestClient fast = TestClient.withoutCookies();
            for (int i = 0; i < 50; i++) {
                assertEquals("a /fast", fast.get(web.uri("/fast")).body());
            }
        } finally {
            slow.forEach(RawHttp::close);
        }
    }
}
