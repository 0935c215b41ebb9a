package dev.tandem.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The counter WAR, exactly as built, deploys unchanged into Tomcat and keeps its count per session. */
class CounterWarOnTomcatIT {

    @Test
    void theCounterWarWorksInTomcat(@TempDir Path base) throws Exception {
        Path war = Path.of("target/counter.war").toAbsolutePath();
        assertTrue(Files.isRegularFile(war), "the WAR is built first: " + war);
        Files.createDirectories(base.resolve("webapps"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addWebapp("/counter", war.toString());
        try {
            tomcat.start();
            assertTrue(context.getState().isAvailable(), "the web-app started");
            HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            URI counter = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/counter/");
            for (int expected = 1; expected <= 3; expected++) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(counter).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
                assertTrue(response.body().startsWith("count=" + expected + " "), response.body());
            }
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
