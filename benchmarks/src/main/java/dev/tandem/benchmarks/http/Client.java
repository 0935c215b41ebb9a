package dev.tandem.benchmarks.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP/1.1 client for the requests around the load: creating sessions, one-by-one requests. */
final class Client {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** GETs {@code url} and returns the session id the server set. */
    String newSession(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        for (String cookie : response.headers().allValues("set-cookie")) {
            if (cookie.startsWith("JSESSIONID=")) {
                return cookie.substring("JSESSIONID=".length(), cookie.indexOf(';') < 0 ? cookie.length()
                        : cookie.indexOf(';'));
            }
        }
        throw new IOException(url + " set no JSESSIONID cookie: " + response.headers().map());
    }

    /** GETs {@code url} with the session cookie; the status and body. */
    HttpResponse<String> get(String url, String sessionId, Duration timeout) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Cookie", "JSESSIONID=" + sessionId).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GETs {@code url} with the session cookie and fails on anything but 200. */
    String ok(String url, String sessionId) throws IOException, InterruptedException {
        HttpResponse<String> response = get(url, sessionId, Duration.ofSeconds(30));
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
