package dev.tandem.examples;

import jakarta.servlet.http.HttpServletRequest;

/** The name of the node serving a request, for the example pages: the server id, or host and port. */
public final class NodeName {
    private NodeName() {}

    public static String of(HttpServletRequest request) {
        String id = System.getProperty("tandem.server-id");
        if (id == null || id.isBlank()) {
            id = System.getenv("TANDEM_SERVER_ID");
        }
        return id == null || id.isBlank() ? request.getLocalAddr() + ":" + request.getLocalPort() : id;
    }
}
