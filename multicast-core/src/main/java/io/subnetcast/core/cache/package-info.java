/**
 * The on-disk block cache every agent writes into.
 *
 * <p>A {@link io.subnetcast.core.cache.BlockCache} is one directory; each task has a
 * {@link io.subnetcast.core.cache.BlockFile} in it: a sparse content file written with positional
 * writes and an append-only journal that records, per block, that it is present and its SHA-256.
 * A block counts as present only once its bytes were hashed and journalled, so a process killed at
 * any instant restarts with exactly the blocks it verified. A block written front to back is hashed
 * as its bytes pass on their way to the file; any other is read back and hashed. On reopen every journalled
 * block is hashed again, so a write that was torn (journal persisted, content not) is caught and
 * the block fetched again. When every block is present the whole file is checked against the
 * task's SHA-256 and moved atomically into place; that SHA-256 is taken block by block in file order
 * while blocks arrive ({@link io.subnetcast.core.cache.BlockFile#hashAheadOn}), so the check at the
 * end reads only what was not taken yet.
 *
 * <p>{@code BlockFile} is the public face of an entry and its lock protocol; the parts behind it
 * are package-private, one job each:
 * <ul>
 *   <li>{@code EntryFiles}: the names of an entry's files, the manifest written once, removal;</li>
 *   <li>{@code EntryLock}: the exclusive file lock that keeps two processes off one entry;</li>
 *   <li>{@code EntryRecovery}: opening an entry, replaying its journal and dropping torn blocks;</li>
 *   <li>{@code ContentFile} and {@code PositionalIo}: the content file, its range-checked positional
 *       reads and writes (allocation-free, for the data path), and its atomic move on publishing;</li>
 *   <li>{@code BlockLedger}: which blocks are present and which SHA-256 each must have, kept in two
 *       {@code HashedBlockSet}s and journalled in a {@code BlockJournal};</li>
 *   <li>{@code BlockVerifier}: hashes blocks (as written, or read back) and holds them against the
 *       ledger;</li>
 *   <li>{@code PackageDigest}: the whole package's SHA-256, extended block by block in file order
 *       and started over when a present block is dropped;</li>
 *   <li>{@code InOrderDigests}: a few running SHA-256 digests of blocks being written in order,
 *       forgotten as soon as any other write touches their block, so that such a block's commit
 *       need not read it back.</li>
 * </ul>
 *
 * <p>Task ids and file names come from the network and from users; {@link
 * io.subnetcast.core.cache.CacheNames} checks them so that nothing can leave the cache directory.
 */
package io.subnetcast.core.cache;
