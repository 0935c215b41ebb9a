/**
 * The file store: sessions in one append-only log per store directory.
 *
 * <h2>The session log protocol</h2>
 *
 * The code refers to these invariants by number.
 *
 * <ol>
 *   <li><b>Segments and positions.</b> The log is the segment files {@code log-<number>.seg} of the
 *       directory, in number order. Records are only appended, never rewritten; a segment is deleted
 *       whole. A position is the segment number (high 32 bits) and the offset (low 32 bits), so
 *       positions compare in log order. A store appends only to a head segment it created itself
 *       (start-up opens a new one), so what an earlier process left is never written again.
 *   <li><b>The later record wins.</b> For each id, the index is what applying its whole records in
 *       log order gives: a base replaces the entry; a delta extends it only if it is the next
 *       version on the same base and points back to the entry's newest record (a delta after a gap
 *       marks the versions above as lost, so the next save writes a base above them); a touch sets
 *       the last access time of the version it names; a tombstone removes the entry, and refuses
 *       saves until its time. A sweep, and a load that finds a damaged base, append a tombstone whose
 *       time is past: it refuses nothing, but hides the older records of the id from a later start.
 *   <li><b>Framing.</b> Each record carries a magic, its length and a CRC32C over all of it
 *       ({@link dev.tandem.store.file.LogRecord}). Bytes that do not form a whole record are
 *       stepped over to the next offset where one starts; after the last whole record of a segment
 *       they are a torn tail, cut off at start-up. Concurrent appends reserve disjoint ranges and
 *       write them in parallel, so a crash can leave a hole before a whole record: the hole is
 *       stepped over, the record after it counts.
 *   <li><b>Compaction keeps order.</b> What compaction moves out of a segment is appended at the
 *       head under the id's lock, after every record of the id before it and before any later save
 *       of it; with fsync the copies are forced before the segment is deleted. A tombstone past its time is
 *       dropped only from the oldest segment (no record of its id can lie before it); elsewhere it is
 *       carried to the head while it may still hide something.
 *   <li><b>Acknowledged means appended.</b> A save returns after its record was written (and, with
 *       fsync, forced by a force that began after the write), and the index changes only then.
 * </ol>
 *
 * <h2>The cluster's disk copy</h2>
 *
 * {@link dev.tandem.store.file.CopyLog} is the same log with record types of its own, under the
 * same invariants: a copy and a copy delta are a base and a delta whose version the cluster gave
 * (so it may jump, or go back when a peer's copy replaces this server's; a delta is written only
 * as the next version of its chain) and which carry the version known acknowledged; a removal is a
 * tombstone; a notices record, keyed by a peer's name instead of a session id, adds to or takes
 * from what the peer has not been told, and compaction moves a peer's notices whole (an empty
 * replace hides older records, as a tombstone does). A file store never writes these types.
 */
package dev.tandem.store.file;
