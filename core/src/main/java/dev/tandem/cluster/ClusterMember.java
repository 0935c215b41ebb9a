package dev.tandem.cluster;

import dev.tandem.session.SessionId;
import java.util.OptionalInt;

/**
 * One server of the cluster list. {@code index} is its position in the list, which is what the
 * first two characters of a session id name ({@code a} = 0). The balancing options are read only
 * by the dispatch filter; the app tier ignores them.
 *
 * @param weight relative share of new sessions (default 1); in the priority algorithm, the pool
 * @param maxConnections active requests at which the server counts as overloaded (priority algorithm)
 * @param minConnections active requests to which an overloaded server must fall to take traffic again
 * @param backup only used when every non-backup server is down or overloaded
 */
public record ClusterMember(
        String name,
        int index,
        String host,
        int port,
        int weight,
        OptionalInt maxConnections,
        OptionalInt minConnections,
        boolean backup) {

    /** The character that stands for this server in session ids. */
    public char indexChar() {
        return SessionId.serverChar(index);
    }

    /** {@code host:port}. */
    public String address() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
