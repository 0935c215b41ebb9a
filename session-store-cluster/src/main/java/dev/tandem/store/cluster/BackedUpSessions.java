package dev.tandem.store.cluster;

import dev.tandem.cluster.ClusterMember;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sessions this server acted as owner for since it started, each with the server that holds
 * its second copy (or none, when no peer was up), so that {@link BackupRepair} knows which sessions
 * lost their second copy when a server goes down. The disk copy (a file store) cannot list what it
 * holds through the store interface, so this index is kept in memory as saves happen. Bounded: past
 * {@link #LIMIT} sessions the least recently saved are forgotten, and those get a new backup at
 * their next save instead of at once.
 */
final class BackedUpSessions {
    static final int LIMIT = 100_000;
    /** Stands for "no second copy anywhere": such sessions are copied as soon as any peer is up. */
    static final String NOWHERE = "";

    /** In order of the last save: a save moves its session to the end. */
    private final Map<String, String> backupById = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > LIMIT;
        }
    }; // guarded by this

    /** {@code backup} now holds the same version of {@code id} as this server. */
    synchronized void backedUp(String id, ClusterMember backup) {
        backupById.remove(id);
        backupById.put(id, backup.name());
    }

    /** A save of {@code id} found no live server to back it up on. */
    synchronized void noBackup(String id) {
        backupById.remove(id);
        backupById.put(id, NOWHERE);
    }

    /** {@code backup} is down and no other server is up: its sessions have no second copy now. */
    synchronized void lost(String backup) {
        backupById.replaceAll((id, on) -> on.equals(backup) ? NOWHERE : on);
    }

    /** The session is gone (removed, expired). */
    synchronized void forget(String id) {
        backupById.remove(id);
    }

    /** The servers named as the second copy of at least one session, {@link #NOWHERE} included. */
    synchronized Set<String> backups() {
        return new HashSet<>(backupById.values());
    }

    /** The sessions whose second copy is on {@code backup}. */
    synchronized List<String> on(String backup) {
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, String> e : backupById.entrySet()) {
            if (e.getValue().equals(backup)) {
                ids.add(e.getKey());
            }
        }
        return ids;
    }

    /** Whether {@code id} still has its second copy on {@code backup}. */
    synchronized boolean isOn(String id, String backup) {
        return backup.equals(backupById.get(id));
    }

    synchronized int size() {
        return backupById.size();
    }
}
