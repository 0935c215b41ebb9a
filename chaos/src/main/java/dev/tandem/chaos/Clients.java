package dev.tandem.chaos;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The client sessions: each in turn does one step (a read, a counter increment, a cart item, two
 * parallel requests changing a and b, or a logout followed by a probe with the old cookie), then
 * thinks for about {@code --think-ms}. A bounded pool of threads runs the steps; one HTTP client
 * with its own bounded executor carries every request.
 */
final class Clients {
    static final String COOKIE = "JSESSIONID";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final String url;
    private final ChaosOptions options;
    private final Tally tally;
    private final HttpClient http;
    private final ExecutorService httpThreads;
    private final List<SessionLedger> sessions = new ArrayList<>();
    private final Invalidations invalidations;
    private final DelayQueue<Due> due = new DelayQueue<>();
    private volatile boolean stopping;

    Clients(String url, ChaosOptions options, Tally tally) {
        this.url = url;
        this.options = options;
        this.tally = tally;
        this.invalidations = new Invalidations(options.seed());
        this.httpThreads = Executors.newFixedThreadPool(Math.max(2, options.threads() / 4), r -> {
            Thread t = new Thread(r, "chaos-http");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().executor(httpThreads).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < options.sessions(); i++) {
            SessionLedger session = new SessionLedger(i);
            sessions.add(session);
            due.add(new Due(session, System.nanoTime() + i * 1_000_000L));
        }
    }

    /** Runs the sessions' steps on {@code --threads} threads until {@link #stop}. */
    List<Thread> start() {
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < options.threads(); i++) {
            SplittableRandom random = new SplittableRandom(options.seed() * 31 + i);
            Thread worker = new Thread(() -> work(random), "chaos-client-" + i);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
        return workers;
    }

    void stop(List<Thread> workers) throws InterruptedException {
        stopping = true;
        for (Thread worker : workers) {
            worker.join();
        }
    }

    private void work(SplittableRandom random) {
        long think = options.thinkTime().toNanos();
        while (!stopping) {
            Due next;
            try {
                next = due.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (next == null) {
                continue;
            }
            step(next.session, random);
            due.add(new Due(next.session, System.nanoTime() + think / 2 + random.nextLong(think + 1)));
        }
    }

    private void step(SessionLedger session, SplittableRandom random) {
        int dice = session.cookie() == null ? 99 : random.nextInt(100);
        if (dice < 35) {
            write(session, SessionLedger.Op.INCR, 0, "op=incr");
        } else if (dice < 55) {
            long a = session.nextValue();
            long b = session.nextValue();
            SessionLedger.Expect before = session.expect();
            CompletableFuture<Void> first = exchange(session, before, SessionLedger.Op.SET_A, a, "POST",
                    "op=set&attr=a&value=" + a);
            CompletableFuture<Void> second = exchange(session, before, SessionLedger.Op.SET_B, b, "POST",
                    "op=set&attr=b&value=" + b);
            first.join();
            second.join();
        } else if (dice < 75) {
            long item = session.nextValue();
            write(session, SessionLedger.Op.ADD, item, "op=add&item=" + item);
        } else if (dice < 98 || session.token() == null) {
            exchange(session, session.expect(), SessionLedger.Op.READ, 0, "GET", "op=read").join();
        } else {
            logout(session);
        }
    }

    private void write(SessionLedger session, SessionLedger.Op op, long value, String query) {
        exchange(session, session.expect(), op, value, "POST", query).join();
    }

    /** Sends one request of a session and checks its answer against the ledger as it was before. */
    private CompletableFuture<Void> exchange(SessionLedger session, SessionLedger.Expect before,
            SessionLedger.Op op, long value, String method, String query) {
        long sent = System.nanoTime();
        return send(method, query, session.cookie()).handle((response, error) -> {
            Observation seen = answer(response, error);
            if (seen == null || seen.token() == null) {
                session.failed(sent);
                return null;
            }
            long now = System.nanoTime();
            tally.success(now);
            session.observed(before, op, value, seen, tally, now);
            String cookie = newCookie(response);
            if (cookie != null) {
                session.cookie(cookie);
            }
            if (op != SessionLedger.Op.READ) {
                tally.writesAcknowledged.increment();
            }
            return null;
        });
    }

    private void logout(SessionLedger session) {
        SessionLedger.Expect before = session.expect();
        String cookie = session.cookie();
        long sent = System.nanoTime();
        Invalidations.Invalidated gone = send("POST", "op=logout", cookie).handle((response, error) -> {
            Observation seen = answer(response, error);
            if (seen == null || !seen.invalidated()) {
                session.failed(sent);
                // Whether the session was invalidated is unknown: leave it and start another.
                session.reset();
                return (Invalidations.Invalidated) null;
            }
            tally.success(System.nanoTime());
            tally.logouts.increment();
            session.loggedOut(before, seen.token(), tally);
            Invalidations.Invalidated invalidated = new Invalidations.Invalidated(cookie, seen.token(), seen.node(),
                    java.time.LocalTime.now().toString());
            invalidations.add(invalidated);
            return invalidated;
        }).join();
        if (gone != null) {
            probe(gone, 1, "right after the logout");
        }
    }

    /** Asks for the session of an invalidated cookie: it must not come back. True when answered. */
    boolean probe(Invalidations.Invalidated gone, int attempts, String when) {
        for (int i = 0; i < attempts; i++) {
            Observation seen = send("GET", "op=peek", gone.cookie()).handle(this::answer).join();
            if (seen != null) {
                if (gone.token().equals(seen.token())) {
                    tally.resurrected.increment();
                    tally.detail("session " + gone.cookie().substring(0, Math.min(8, gone.cookie().length()))
                            + "… invalidated on " + gone.node() + " at " + gone.when() + " came back on " + seen.node()
                            + " " + when + " (counter=" + seen.counter() + ")");
                }
                return true;
            }
        }
        return false;
    }

    /** The final check: one read of every session that holds a cookie, retried while nodes recover. */
    int checkAll(int attempts) {
        int checked = 0;
        for (SessionLedger session : sessions) {
            if (session.cookie() == null) {
                continue;
            }
            for (int i = 0; i < attempts && session.cookie() != null; i++) {
                long before = tally.successes.sum();
                exchange(session, session.expect(), SessionLedger.Op.READ, 0, "GET", "op=read").join();
                if (tally.successes.sum() > before) {
                    checked++;
                    break;
                }
            }
        }
        return checked;
    }

    Invalidations invalidations() {
        return invalidations;
    }

    private CompletableFuture<HttpResponse<String>> send(String method, String query, String cookie) {
        tally.requests.increment();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "?" + query)).timeout(REQUEST_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (cookie != null) {
            request.header("Cookie", COOKIE + "=" + cookie);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The parsed answer, or null after counting the error by kind. */
    private Observation answer(HttpResponse<String> response, Throwable error) {
        if (error != null) {
            tally.error(kind(error));
            return null;
        }
        if (response.statusCode() != 200) {
            tally.error("http-" + response.statusCode());
            return null;
        }
        try {
            return Observation.parse(response.body());
        } catch (IllegalArgumentException e) {
            tally.error("unreadable answer");
            tally.detail("unreadable answer: " + e.getMessage());
            return null;
        }
    }

    private static String kind(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException) {
            return "timeout";
        }
        if (cause instanceof ConnectException) {
            return "connect refused";
        }
        if (cause instanceof IOException) {
            return "io: " + cause.getClass().getSimpleName();
        }
        return cause.getClass().getSimpleName();
    }

    private static String newCookie(HttpResponse<String> response) {
        for (String header : response.headers().allValues("set-cookie")) {
            if (header.startsWith(COOKIE + "=")) {
                int end = header.indexOf(';');
                String value = header.substring(COOKIE.length() + 1, end < 0 ? header.length() : end);
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    void close() {
        httpThreads.shutdownNow();
    }

    /** A session's next step, due at a time. */
    private record Due(SessionLedger session, long atNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(atNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(atNanos, ((Due) other).atNanos);
        }
    }
}
