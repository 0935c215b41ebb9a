package dev.tandem.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A real HTTP client, with a cookie jar like a browser's or without one (cookies disabled). */
public final class TestClient {
    private final HttpClient http;
    private final CookieManager cookies;

    private TestClient(CookieManager cookies) {
        this.cookies = cookies;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (cookies != null) {
            builder.cookieHandler(cookies);
        }
        this.http = builder.build();
    }

    public static TestClient withCookies() {
        return new TestClient(new CookieManager());
    }

    public static TestClient withoutCookies() {
        return new TestClient(null);
    }

    public HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build());
    }

    /** A GET with an explicit Cookie header (the cookie jar, if any, adds its own too). */
    public HttpResponse<String> get(URI uri, String cookieHeader) {
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).header("Cookie", cookieHeader).GET().build());
    }

    /** Sends a GET and returns as soon as the status and headers arrived; the body streams on. */
    public HttpResponse<java.io.InputStream> open(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The value of the cookie named {@code name} in the jar. */
    public Optional<String> cookie(String name) {
        List<HttpCookie> all = cookies.getCookieStore().getCookies();
        return all.stream().filter(c -> c.getName().equals(name)).map(HttpCookie::getValue).reduce((a, b) -> b);
    }

    public void clearCookies() {
        cookies.getCookieStore().removeAll();
    }

    public void setCookie(URI uri, String name, String value, String path) {
        HttpCookie cookie = new HttpCookie(name, value);
        cookie.setPath(path);
        cookie.setVersion(0);
        cookies.getCookieStore().add(uri, cookie);
    }
}
