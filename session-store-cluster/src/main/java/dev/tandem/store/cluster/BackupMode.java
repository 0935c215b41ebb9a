package dev.tandem.store.cluster;

import java.util.Locale;

/** Whether a save waits for the backup's acknowledgement ({@code backup-mode} init-param). */
enum BackupMode {
    /** The save returns after the backup acknowledged it: an acknowledged save survives the owner's crash. */
    SYNC,
    /** The save returns after the owner's disk copy; the backup is written in the background. */
    ASYNC;

    static BackupMode parse(String param, String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(param + " must be sync or async, got '" + value + "'");
        }
    }
}
