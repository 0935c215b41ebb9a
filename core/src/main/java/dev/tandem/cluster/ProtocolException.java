package dev.tandem.cluster;

import java.io.IOException;

/** A peer broke the wire protocol: the connection it came on is closed, nothing else is affected. */
final class ProtocolException extends IOException {
    ProtocolException(String message) {
        super(message);
    }
}
