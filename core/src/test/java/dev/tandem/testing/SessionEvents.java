package dev.tandem.testing;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Listener callbacks seen in tests, by session id. Session ids are random, so tests never see each
 * other's events. Also an {@link HttpSessionListener} to name in the {@code listeners} init-param.
 */
public final class SessionEvents implements HttpSessionListener {
    private static final Map<String, List<String>> EVENTS = new ConcurrentHashMap<>();

    public static void record(String sessionId, String event) {
        EVENTS.computeIfAbsent(sessionId, id -> new CopyOnWriteArrayList<>()).add(event);
    }

    public static List<String> of(String sessionId) {
        return EVENTS.getOrDefault(sessionId, List.of());
    }

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        record(event.getSession().getId(), "sessionCreated");
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        record(event.getSession().getId(), "sessionDestroyed");
    }
}
