package dev.tandem.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.tandem.testing.Container;
import dev.tandem.testing.ProbeServlet;
import dev.tandem.testing.RunningServer;
import dev.tandem.testing.TestClient;
import dev.tandem.testing.WebApp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** A real Jetty with persistent-store=file: sessions made over HTTP are all back after a restart of the server. */
class RestartOverHttpTest {
    @TempDir
    Path sessions;

    private RunningServer start(boolean saveOnlyOnShutdown) {
        return Container.JETTY.start(WebApp.at("/app")
                .param("persistent-store", "file")
                .param("path", sessions.toString())
                .param("save-only-on-shutdown", String.valueOf(saveOnlyOnShutdown))
                .servlet("/probe/*", new ProbeServlet()));
    }

    @ParameterizedTest(name = "save-only-on-shutdown={0}")
    @ValueSource(booleans = {false, true})
    void everySessionAndAttributeIsBackAfterTheServerRestarts(boolean saveOnlyOnShutdown) {
        List<TestClient> browsers = new ArrayList<>();
        try (RunningServer first = start(saveOnlyOnShutdown)) {
            for (int b = 0; b < 5; b++) {
                TestClient browser = TestClient.withCookies();
                browsers.add(browser);
                for (int a = 0; a < 3; a++) {
                    assertEquals("ok", browser.get(first.uri("/app/probe/set?name=attr" + a + "&value=b" + b + "a" + a)).body());
                }
                assertEquals("ok", browser.get(first.uri("/app/probe/remove?name=attr2")).body());
            }
        }

        try (RunningServer second = start(saveOnlyOnShutdown)) {
            for (int b = 0; b < browsers.size(); b++) {
                TestClient browser = browsers.get(b);
                assertEquals("b" + b + "a0", browser.get(second.uri("/app/probe/get?name=attr0")).body(), "browser " + b);
                assertEquals("b" + b + "a1", browser.get(second.uri("/app/probe/get?name=attr1")).body(), "browser " + b);
                assertEquals("null", browser.get(second.uri("/app/probe/get?name=attr2")).body(), "browser " + b);
            }
            assertNotEquals(browsers.get(0).cookie("JSESSIONID"), browsers.get(1).cookie("JSESSIONID"));
            assertEquals("no session", TestClient.withCookies().get(second.uri("/app/probe/get?name=attr0")).body(),
                    "a browser without a cookie has no session");
        }
    }
}
