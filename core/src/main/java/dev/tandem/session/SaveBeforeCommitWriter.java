package dev.tandem.session;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * The response's writer, saving the session before a write or flush could commit the response.
 * Characters are counted at the charset's most bytes per character, so it may save a little early,
 * never late.
 */
final class SaveBeforeCommitWriter extends Writer {
    private final PrintWriter target;
    private final SessionResponse response;
    private final float bytesPerChar;

    SaveBeforeCommitWriter(PrintWriter target, SessionResponse response, float bytesPerChar) {
        this.target = target;
        this.response = response;
        this.bytesPerChar = bytesPerChar;
    }

    @Override
    public void write(char[] buf, int off, int len) {
        response.beforeWrite((long) Math.ceil(len * bytesPerChar));
        target.write(buf, off, len);
    }

    @Override
    public void write(String s, int off, int len) {
        response.beforeWrite((long) Math.ceil(len * bytesPerChar));
        target.write(s, off, len);
    }

    @Override
    public void write(int c) {
        response.beforeWrite((long) Math.ceil(bytesPerChar));
        target.write(c);
    }

    @Override
    public void flush() throws IOException {
        response.beforeCommit();
        target.flush();
        if (target.checkError()) {
            throw new IOException("the client went away");
        }
    }

    @Override
    public void close() {
        response.beforeCommit();
        target.close();
    }
}
