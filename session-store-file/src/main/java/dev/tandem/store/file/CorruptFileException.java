package dev.tandem.store.file;

/** A session or tombstone file that cannot be trusted; the message says why, for the log line. */
final class CorruptFileException extends Exception {
    CorruptFileException(String reason) {
        super(reason, null, false, false);
    }
}
