package dev.tandem.cluster;

/** The peer received the request and answered with an error. */
public final class RemoteRequestException extends ClusterException {

    /** Why the peer refused; its code is what goes on the wire. */
    public enum Reason {
        /** No handler is registered for the web-app on the peer (not deployed there, or not yet). */
        NO_HANDLER(1),
        /** The handler threw or failed its future; the message says what it reported. */
        HANDLER_FAILED(2),
        /** The peer's handler pool and its queue are full; trying again later may work. */
        BUSY(3);

        final int code;

        Reason(int code) {
            this.code = code;
        }

        static Reason of(int code) {
            for (Reason r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            return HANDLER_FAILED;
        }
    }

    private final Reason reason;

    RemoteRequestException(String peer, Reason reason, String message) {
        super(peer, message, null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
