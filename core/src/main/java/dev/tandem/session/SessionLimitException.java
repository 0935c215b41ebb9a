package dev.tandem.session;

/**
 * No new session now: memory holds as many as it may while the store refuses them (sessions whose
 * save failed cannot be evicted). The filter answers 503 with Retry-After; users with a session go on.
 */
final class SessionLimitException extends IllegalStateException {
    SessionLimitException(String message) {
        super(message);
    }
}
