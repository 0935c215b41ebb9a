package dev.tandem.dispatch;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/** Requests sent without waiting for the answer, for held and concurrent requests. */
final class Requests {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private Requests() {}

    static CompletableFuture<HttpResponse<String>> async(URI uri) {
        return HTTP.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code n} GETs of {@code uri}, at most {@code parallel} at a time; the bodies. */
    static List<String> many(URI uri, int n, int parallel) {
        Semaphore permits = new Semaphore(parallel);
        List<CompletableFuture<String>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            permits.acquireUninterruptibly();
            all.add(async(uri).whenComplete((r, e) -> permits.release()).thenApply(HttpResponse::body));
        }
        return all.stream().map(CompletableFuture::join).toList();
    }
}
