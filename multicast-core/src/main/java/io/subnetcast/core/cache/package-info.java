/**
 * The on-disk block cache every agent writes into.
 *
 * <p>A {@link io.subnetcast.core.cache.BlockCache} is one directory; each task has a
 * {@link io.subnetcast.core.cache.BlockFile} in it: a sparse content file written with positional
 * writes and an append-only journal that records, per block, that it is present and its SHA-256.
 * A block counts as present only once its bytes were read back, hashed and journalled, so a process
 * killed at any instant restarts with exactly the blocks it verified. On reopen every journalled
 * block is hashed again, so a write that was torn (journal persisted, content not) is caught and
 * the block fetched again. When every block is present the whole file is checked against the
 * task's SHA-256 and moved atomically into place.
 *
 * <p>Task ids and file names come from the network and from users; {@link
 * io.subnetcast.core.cache.CacheNames} checks them so that nothing can leave the cache directory.
 */
package io.subnetcast.core.cache;
