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
}
