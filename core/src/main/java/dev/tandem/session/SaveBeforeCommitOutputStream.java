package dev.tandem.session;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;

/** The response's output stream, saving the session before a write or flush could commit the response. */
final class SaveBeforeCommitOutputStream extends ServletOutputStream {
    private final ServletOutputStream target;
    private final SessionResponse response;

    SaveBeforeCommitOutputStream(ServletOutputStream target, SessionResponse response) {
        this.target = target;
        this.response = response;
    }

    @Override
    public void write(int b) throws IOException {
        response.beforeWrite(1);
        target.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        response.beforeWrite(len);
        target.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        response.beforeCommit();
        target.flush();
    }

    @Override
    public void close() throws IOException {
        response.beforeCommit();
        target.close();
    }

    @Override
    public boolean isReady() {
        return target.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
        target.setWriteListener(listener);
    }
}
