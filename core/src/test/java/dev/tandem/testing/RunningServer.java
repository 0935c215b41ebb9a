package dev.tandem.testing;

import java.net.URI;

/** A started container listening on 127.0.0.1 on a free port. Closing it stops the web-app gracefully. */
public interface RunningServer extends AutoCloseable {

    /** {@code http://127.0.0.1:port} + {@code pathAndQuery} (which should start with the context path). */
    URI uri(String pathAndQuery);

    int port();

    @Override
    void close();
}
