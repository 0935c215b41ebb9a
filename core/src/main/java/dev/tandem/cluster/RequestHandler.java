package dev.tandem.cluster;

import java.util.concurrent.CompletionStage;

/**
 * Answers the cluster requests of one web-app. Called on the endpoint's handler pool, so calls for
 * different requests run concurrently. The answer is a future so that a handler which must ask
 * another peer first (an owner backing up a store before acknowledging it) composes futures
 * instead of blocking a pool thread, and so that a single-threaded simulator can run the same
 * handler.
 */
@FunctionalInterface
public interface RequestHandler {

    /**
     * @param from the authenticated peer that sent the request
     * @param type the store's message type, 1..239
     * @return the response payload; a failed stage or a thrown exception becomes an error
     *     response ({@link RemoteRequestException}) whose message is the exception's text
     */
    CompletionStage<byte[]> handle(ClusterMember from, int type, byte[] payload);

    /**
     * Whether {@link #handle} answers this request at once: it returns a completed stage, never waits
     * for a peer, a lock held across a round trip or a disk flush, and sends nothing itself. The
     * endpoint then calls it on the connection's reader thread instead of the handler pool (one
     * thread hand-off less per request) and sends the answers of requests that arrived together in
     * one write.
     */
    default boolean answersAtOnce(ClusterMember from, int type) {
        return false;
    }
}
