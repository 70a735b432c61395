package io.subnetcast.core.cache;

import io.netty.buffer.ByteBuf;
import io.subnetcast.core.wire.DataFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's entry in the {@link BlockCache}: a sparse content file and the journal of its verified
 * blocks.
 *
 * <p>Bytes may be written anywhere, in any order, by any thread ({@link #write(long, ByteBuffer)}
 * is a positional write); a block becomes present only through {@link #commitBlock(int)}, which
 * hashes it, checks it against the block's expected SHA-256 when one is known, and journals it.
 * A block written front to back is hashed as its bytes pass, for a few blocks at a time; any other
 * is read back from the file to be hashed ({@link #bytesHashedAsWritten()},
 * {@link #bytesReadBack()}). A present block's bytes never change: writes skip it, under the same
 * lock as the commit. Present blocks are what survives a crash: when the entry is opened
 * again each of them is hashed once more, and one that no longer matches (a torn write) is
 * dropped and must be fetched again.
 *
 * <p>Metadata is held in memory (one bit and 32 bytes of hash per block), and so are the running
 * digests of at most eight blocks being written in order (a few KiB each); content never is.
 */
public final class BlockFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockFile.class);
    /**
     * Most blocks an entry may have: 2 TiB in blocks of the default 1 MiB. Per block an entry keeps
     * two SHA-256 values and two bits in memory (up to 128 MiB at this bound); beyond 2^26 blocks
     * the hash arrays' sizes would overflow an int.
     */
    public static final int MAX_BLOCKS = 1 << 21;

    private final String taskId;
    private final EntryFiles files;
    private final BlockLayout layout;
    private final String identity;
    private final EntryLock lock;
    private final BlockLedger blocks;
    private final BlockVerifier verifier;
    private final InOrderDigests inOrder;
    private final int droppedOnOpen;
    // Replaced, under the lock, when the content is emptied for a fresh attempt or moved on publishing.
    private ContentFile content;
    private boolean published;
    private VouchedUnits vouched;
    private boolean checkingPackage;
    // The whole package's SHA-256 taken in file order as blocks become present (hashAheadOn), and
    // the generation of the content it must belong to: counted up when a present block is dropped
    // or the content replaced.
    private final PackageDigest packageDigest;
    private long contentGeneration;
    private Executor hashAhead;
    private boolean hashAheadScheduled;
    private boolean closed;
    // The package's SHA-256 from a trusted manifest, while every block expects that manifest's hash;
    // null otherwise. Present blocks never change, so a complete entry is then that package.
    private byte[] trustedPackageSha256;

    private BlockFile(String taskId, EntryFiles files, BlockLayout layout, String identity, EntryLock lock,
                      EntryRecovery.Recovered opened) {
        this.taskId = taskId;
        this.files = files;
        this.layout = layout;
        this.identity = identity;
        this.lock = lock;
        this.blocks = opened.blocks();
        this.content = opened.content();
        this.verifier = opened.verifier();
        this.inOrder = new InOrderDigests(layout, InOrderDigests.SLOTS);
        this.packageDigest = new PackageDigest(layout, taskId);
        this.droppedOnOpen = opened.droppedOnOpen();
    }

    /**
     * Opens or creates the entry in {@code directory}, which the caller has validated. Holds an
     * exclusive lock on it until closed, so two processes never write the same entry.
     */
    static BlockFile open(String taskId, Path directory, BlockLayout layout, String identity) throws IOException {
        EntryFiles files = new EntryFiles(directory);
        EntryLock lock = EntryLock.acquire(files.lock(), taskId);
        try {
            EntryRecovery.Recovered opened = EntryRecovery.open(taskId, files, layout, identity);
            return new BlockFile(taskId, files, layout, identity, lock, opened);
        } catch (IOException | RuntimeException e) {
            Closeables.closeAfter(e, lock);
            throw e;
        }
    }

    /** @return the task this entry belongs to */
    public String taskId() {
        return taskId;
    }

    /** @return how the package is cut into blocks */
    public BlockLayout layout() {
        return layout;
    }

    /** @return the opaque string naming the content version (an ETag, a package hash) */
    public String identity() {
        return identity;
    }

    /** @return where the content is: in the cache, or its final place once published */
    public synchronized Path contentPath() {
        return content.path();
    }

    /** @return how many blocks failed re-verification when this entry was opened */
    public int droppedOnOpen() {
        return droppedOnOpen;
    }

    /**
     * @param index a block index; out-of-range values answer false
     * @return whether the block is present and verified
     */
    public synchronized boolean hasBlock(int index) {
        return layout.isValidIndex(index) && blocks.isPresent(index);
    }

    /**
     * @param start first byte
     * @param endExclusive end of the span
     * @return whether every block touching the span is present and verified, or, where one is not,
     *     every delta unit of the span inside it was vouched for (see {@link #vouch})
     */
    public synchronized boolean holdsSpan(long start, long endExclusive) {
        return blocks.holdsSpan(start, endExclusive, vouched);
    }

    /**
     * Records units a basis scan wrote and strong hashes vouched for, so that peers may read them
     * before their blocks are complete (forgotten with the content), and writes their file for
     * peers: an {@code IOException} when it cannot be written.
     */
    public synchronized void vouch(VouchedUnits units) throws IOException {
        checkWritable();
        files.writeUnitsHeld(units.encode());
        vouched = units;
    }

    /** @return the file of vouched units for peers ({@link VouchedUnits#encode()}), or null if none */
    public synchronized Path vouchedFile() {
        return vouched == null || closed ? null : files.unitsHeld();
    }

    /** @return the number of present blocks */
    public synchronized int presentBlocks() {
        return blocks.presentBlocks();
    }

    /** @return the number of package bytes held in present blocks */
    public synchronized long bytesHeld() {
        return blocks.bytesHeld();
    }

    /** @return whether every block is present */
    public synchronized boolean isComplete() {
        return blocks.isComplete();
    }

    /**
     * @param from first index to look at
     * @return the first missing block at or after {@code from}, or -1
     */
    public synchronized int nextMissingBlock(int from) {
        return blocks.nextMissing(from);
    }

    /**
     * Writes bytes at a package offset. Nothing becomes present until {@link #commitBlock(int)}.
     * Bytes that fall into a block already present are skipped: a verified block never changes.
     *
     * @param offset package offset of the first byte
     * @param source the bytes, from position to limit; consumed
     * @throws IOException on a write failure (disk full included)
     */
    public synchronized void write(long offset, ByteBuffer source) throws IOException {
        ContentFile file = writableContent();
        file.checkSpan(offset, source.remaining());
        int limit = source.limit();
        long position = offset;
        while (source.hasRemaining()) {
            int take = takeInBlock(position, source.remaining());
            if (blocks.isPresent(layout.indexOf(position))) {
                source.position(source.position() + take);
            } else {
                source.limit(source.position() + take);
                try {
                    writeInBlock(file, position, source);
                } finally {
                    source.limit(limit);
                }
            }
            position += take;
        }
    }

    /**
     * Writes the readable bytes of a buffer, its indexes unchanged and not released, like
     * {@link #write(long, ByteBuf, int, int)}.
     */
    public void write(long offset, ByteBuf source) throws IOException {
        write(offset, source, source.readerIndex(), source.readableBytes());
    }

    /**
     * Writes {@code length} bytes of {@code source} from absolute {@code index} at package offset
     * {@code offset}, its indexes unchanged and not released (a receiver writes a datagram's
     * payload without slicing it), skipping blocks already present. No other thread may use the
     * buffer, or one sharing its memory, during the call.
     *
     * @throws IOException on a write failure (disk full included)
     */
    public synchronized void write(long offset, ByteBuf source, int index, int length) throws IOException {
        checkWritable();
        writeMissing(offset, source, index, length);
    }

    /** Writes a data datagram's payload at {@code offset}, straight from the received buffer (see above). */
    public void write(long offset, DataFrame frame) throws IOException {
        write(offset, frame.buffer(), frame.payloadIndex(), frame.payloadLength());
    }

    /**
     * Writes the readable bytes of a buffer at a package offset, skipping every block that is
     * already present. Check and write happen under the entry's lock, so bytes from an untrusted
     * source (a peer) can never overwrite a block that was verified meanwhile.
     *
     * @param offset package offset of the first byte
     * @param source the bytes; indexes unchanged, not released; no other thread may use it (or a buffer
     *     sharing its memory) during the call
     * @return bytes written; 0 once the package is published
     * @throws IOException on a write failure
     */
    public synchronized int writeToMissing(long offset, ByteBuf source) throws IOException {
        content.checkSpan(offset, source.readableBytes());
        if (published) {
            return 0; // a transfer that ends after the package was complete has nothing left to fill
        }
        checkWritable();
        return writeMissing(offset, source, source.readerIndex(), source.readableBytes());
    }

    /** Writes the span's bytes that fall into blocks not present; under the lock, so no commit slips between. */
    private int writeMissing(long offset, ByteBuf source, int index, int length) throws IOException {
        content.checkSpan(offset, length);
        ContentFile.checkBuffer(source, index, length);
        int written = 0;
        long position = offset;
        long end = offset + length;
        while (position < end) {
            int take = takeInBlock(position, end - position);
            if (!blocks.isPresent(layout.indexOf(position))) {
                writeInBlock(position, source, index + (int) (position - offset), take);
                written += take;
            }
            position += take;
        }
        return written;
    }

    /**
     * Writes the remaining bytes of {@code bytes}, all inside one block that is not present, and
     * feeds them to the block's running digest when they continue it. A failed write forgets it.
     */
    private void writeInBlock(ContentFile file, long position, ByteBuffer bytes) throws IOException {
        int slot = inOrder.beforeWrite(position, bytes.remaining());
        boolean written = false;
        try {
            if (slot >= 0) {
                inOrder.feed(slot, bytes);
            }
            file.write(position, bytes);
            written = true;
        } finally {
            if (!written && slot >= 0) {
                inOrder.abandon(slot);
            }
        }
    }

    /** Like {@link #writeInBlock(ContentFile, long, ByteBuffer)} for {@code count} bytes of a buffer from absolute {@code index}. */
    private void writeInBlock(long position, ByteBuf source, int index, int count) throws IOException {
        int slot = inOrder.beforeWrite(position, count);
        boolean written = false;
        try {
            if (slot >= 0) {
                inOrder.feed(slot, source, index, count);
            }
            content.write(position, source, index, count);
            written = true;
        } finally {
            if (!written && slot >= 0) {
                inOrder.abandon(slot);
            }
        }
    }

    /** @return how many of {@code remaining} bytes from {@code position} lie in its block */
    private int takeInBlock(long position, long remaining) {
        int block = layout.indexOf(position);
        return (int) Math.min(remaining, layout.offsetOf(block) + layout.lengthOf(block) - position);
    }

    /**
     * Reads package bytes, present or not: callers that serve bytes check {@link #hasBlock(int)}.
     *
     * @param offset package offset
     * @param target filled from position to limit, or to the end of the package
     * @return bytes read
     * @throws IOException on a read failure
     */
    public int read(long offset, ByteBuffer target) throws IOException {
        return readableContent().read(offset, target);
    }

    /**
     * Records the SHA-256 a block must have (from a manifest). A present block that differs is
     * dropped.
     *
     * @param index block index
     * @param sha256 the 32-byte digest
     * @return false if a present block was dropped because it did not match
     * @throws IOException on a journal write failure
     */
    public synchronized boolean expectBlockHash(int index, byte[] sha256) throws IOException {
        checkIndex(index);
        checkWritable();
        Objects.requireNonNull(sha256, "sha256");
        if (sha256.length != BlockHashes.SHA256_LENGTH) {
            throw new IllegalArgumentException("a SHA-256 has 32 bytes, got " + sha256.length);
        }
        if (!blocks.expects(index, sha256)) {
            trustedPackageSha256 = null; // a hash from elsewhere: the package is no longer known by its blocks
        }
        return blocks.expect(index, sha256);
    }

    /**
     * Records every block's SHA-256 from a trusted manifest ({@link TrustedManifest#applyTo}),
     * dropping present blocks that differ, and the package's SHA-256 when the manifest states it.
     *
     * @param hashes every block's SHA-256, concatenated in block order
     * @param packageSha256 the package's SHA-256, or null
     */
    synchronized void expectTrusted(byte[] hashes, byte[] packageSha256) throws IOException {
        checkWritable();
        if (hashes.length != layout.blockCount() * BlockHashes.SHA256_LENGTH) {
            throw new IllegalArgumentException(hashes.length / BlockHashes.SHA256_LENGTH + " block hashes for "
                    + layout.blockCount() + " blocks");
        }
        byte[] sha = new byte[BlockHashes.SHA256_LENGTH];
        for (int block = 0; block < layout.blockCount(); block++) {
            System.arraycopy(hashes, block * BlockHashes.SHA256_LENGTH, sha, 0, BlockHashes.SHA256_LENGTH);
            blocks.expect(block, sha);
        }
        trustedPackageSha256 = packageSha256 == null ? null : packageSha256.clone();
    }

    /**
     * @param index block index
     * @return the expected SHA-256 of the block, or null while none is known
     */
    public synchronized byte[] expectedBlockHash(int index) {
        checkIndex(index);
        return blocks.expectedHash(index);
    }

    /**
     * @param index block index
     * @return the SHA-256 of a present block, or null if it is not present
     */
    public synchronized byte[] presentBlockHash(int index) {
        checkIndex(index);
        return blocks.presentHash(index);
    }

    /**
     * Verifies a fully written block and makes it present: hashes it, compares it with the expected
     * hash when one is known, and journals it. A block whose every byte arrived in order, each
     * write starting where the previous one ended and none touching it otherwise, was hashed as it
     * was written; any other is read back from the file and hashed. Both hash the bytes the file
     * holds, so the answer is the same either way.
     *
     * @param index block index
     * @return true if the block is now present; false if it did not match its expected hash, or
     *     its bytes reach past the end of the content file (they were never all written): its
     *     bytes must be written again
     * @throws IOException on a read or journal failure
     */
    public synchronized boolean commitBlock(int index) throws IOException {
        checkIndex(index);
        checkWritable();
        // The block's last chunks may still be staged: present means in the file, and a running
        // digest vouches only for bytes that reached it. A failed flush throws before either path.
        content.flush();
        boolean present = verifier.commit(content, index, inOrder);
        if (present) {
            scheduleHashAhead();
        }
        return present;
    }

    /** @return bytes read and hashed for the whole package's SHA-256 so far, ahead or when placed */
    public long packageBytesHashed() {
        synchronized (packageDigest) {
            return packageDigest.bytesHashed();
        }
    }

    /**
     * Hashes the package in file order on {@code executor} as blocks become present, so that
     * {@link #publish} and {@link #verifyInPlace} find the whole package's SHA-256 mostly taken
     * (one read of each block while it is likely still in the page cache, spread over the
     * transfer, instead of a read and hash of every byte after the last block came). Without it
     * the package is hashed when it is placed.
     *
     * @param executor runs the hashing, one block after another; a single thread serves many entries
     */
    public synchronized void hashAheadOn(Executor executor) {
        this.hashAhead = Objects.requireNonNull(executor, "executor");
        scheduleHashAhead();
    }

    /** Hands the hashing of the next block to the executor, unless it runs already or that block is missing. */
    private void scheduleHashAhead() {
        if (hashAhead == null || hashAheadScheduled || blockToHashAhead() < 0) {
            return;
        }
        hashAheadScheduled = true;
        try {
            hashAhead.execute(this::hashAheadNow);
        } catch (RejectedExecutionException e) {
            hashAheadScheduled = false; // the engine closes: placing the package hashes what is left
        }
    }

    /**
     * @return the block the package digest takes next (0 when the content changed since it began),
     *     or -1 when there is none to take now: missing, all taken, or the entry placed or closing
     */
    private int blockToHashAhead() {
        if (closed || published || checkingPackage) {
            return -1;
        }
        int next = packageDigest.generation() == contentGeneration ? packageDigest.next() : 0;
        return next < layout.blockCount() && blocks.isPresent(next) ? next : -1;
    }

    /**
     * Takes the next block into the package digest, then hands the one after it to the executor
     * again: one block per task, so that an entry opened with many blocks present (a resumed cache)
     * does not hold a shared thread, and the other entries' placing, for all of them at once.
     */
    private void hashAheadNow() {
        int index = -1;
        try {
            long generation;
            FileChannel channel;
            synchronized (this) {
                index = blockToHashAhead();
                if (index < 0) {
                    hashAheadScheduled = false;
                    return;
                }
                generation = contentGeneration;
                channel = content.channel();
            }
            synchronized (packageDigest) {
                packageDigest.add(index, generation, channel);
            }
        } catch (IOException | RuntimeException e) {
            // A closed or replaced file, most likely: placing the package hashes it whole then.
            LOG.debug("task {}: hashing the package ahead stopped at block {}: {}", taskId, index, e.toString());
            synchronized (this) {
                hashAheadScheduled = false;
            }
            return;
        }
        synchronized (this) {
            hashAheadScheduled = false;
            scheduleHashAhead();
        }
    }

    /**
     * Writes a whole block that the caller hashed in memory and makes it present, when a trusted
     * manifest expects exactly that digest: one hash of the bytes instead of writing them, reading
     * them back and hashing them (the basis seeder, which checked the block against the manifest
     * as it found it). {@code sha256} must be the digest of these very bytes.
     *
     * @param index block index
     * @param bytes the block's content, position to limit: exactly its length; consumed
     * @param sha256 their SHA-256
     * @return true if the block is now present (or was before, then nothing is written); false if
     *     no expected hash is known or it is another one: nothing written
     * @throws IOException on a write or journal failure
     */
    public synchronized boolean writeVerifiedBlock(int index, ByteBuffer bytes, byte[] sha256) throws IOException {
        checkIndex(index);
        checkWritable();
        if (bytes.remaining() != layout.lengthOf(index)) {
            throw new IllegalArgumentException("block " + index + " has " + layout.lengthOf(index) + " bytes, got "
                    + bytes.remaining());
        }
        if (blocks.isPresent(index)) {
            return true;
        }
        if (!blocks.expects(index, sha256)) {
            return false;
        }
        inOrder.forget(index); // every byte is replaced, and the block is then present
        writableContent().write(layout.offsetOf(index), bytes);
        blocks.markPresent(index, sha256);
        scheduleHashAhead();
        return true;
    }

    /**
     * Forgets a present block, for instance one a trusted manifest disproves.
     *
     * @param index block index
     * @throws IOException on a journal write failure
     */
    public synchronized void dropBlock(int index) throws IOException {
        checkIndex(index);
        checkWritable();
        // A present block has no running digest; forgotten anyway, so that none can outlive a
        // block's change of state.
        inOrder.forget(index);
        blocks.drop(index);
        contentGeneration++; // a package digest that took the block took bytes no longer vouched for
    }

    /**
     * Makes written content and journal durable across power loss. A process kill never needs it:
     * the page cache survives the process.
     *
     * @throws IOException on failure
     */
    public synchronized void sync() throws IOException {
        if (!published) {
            content.force(false);
            blocks.forceJournal();
        }
    }

    /**
     * Checks the whole package and moves it into its final place. The content is hashed in one
     * pass; if it does not match {@code expectedSha256} the entry is discarded (nothing corrupt is
     * kept) and an {@link IntegrityException} says so. An entry whose blocks all matched a trusted
     * manifest that states this very SHA-256 (version 3) is not hashed again: it is that package.
     * Otherwise it is synced and moved atomically (renamed when on the same file system, else
     * copied next to the destination and renamed), so the destination either holds the verified
     * package or is untouched.
     *
     * @param destination final path of the package; its parent directory must exist
     * @param expectedSha256 the package's SHA-256, or null to publish unchecked
     * @return the SHA-256 of what was published
     * @throws IOException on failure; {@link IntegrityException} on a mismatch
     */
    public byte[] publish(Path destination, byte[] expectedSha256) throws IOException {
        byte[] actual = hashCompletePackage("published", expectedSha256);
        synchronized (this) {
            endPackageCheck(actual, expectedSha256, "the download was discarded");
            inOrder.forgetAll(); // nothing is written after publishing
            content = content.moveTo(destination);
            published = true;
            blocks.deleteJournal();
            return actual;
        }
    }

    /**
     * Checks the whole package like {@link #publish} but leaves it in the cache: the entry stays
     * complete and served, and a later {@link #publish} moves it into place. A mismatch discards the
     * content and throws {@link IntegrityException}.
     *
     * @param expectedSha256 the package's SHA-256, or null to check nothing but completeness
     * @return the SHA-256 of the content
     * @throws IOException on failure; {@link IntegrityException} on a mismatch
     */
    public byte[] verifyInPlace(byte[] expectedSha256) throws IOException {
        byte[] actual = hashCompletePackage("verified", expectedSha256);
        synchronized (this) {
            endPackageCheck(actual, expectedSha256, "the cached copy was discarded");
            sync();
            return actual;
        }
    }

    /**
     * Claims the complete entry for a whole-package check, so that one runs at a time, and hashes
     * it; {@link #endPackageCheck} releases the claim. {@code outcome} names what would follow.
     */
    private byte[] hashCompletePackage(String outcome, byte[] expectedSha256) throws IOException {
        FileChannel channel;
        long generation;
        synchronized (this) {
            checkWritable();
            if (!isComplete()) {
                throw new IllegalStateException("task '" + taskId + "' holds " + blocks.presentBlocks() + " of "
                        + layout.blockCount() + " blocks; it cannot be " + outcome + " yet");
            }
            if (checkingPackage) {
                throw new IllegalStateException("task '" + taskId + "' is already being verified or published");
            }
            checkingPackage = true;
            if (trustedPackageSha256 != null
                    && (expectedSha256 == null || MessageDigest.isEqual(trustedPackageSha256, expectedSha256))) {
                // Every block matched the trusted manifest's hash and none changed since: the content is
                // the package that manifest describes, whose SHA-256 it states. Hashing it whole again
                // would cost a second read and hash of every byte.
                LOG.debug("task {}: every block checked against the trusted manifest; the package is not hashed again",
                        taskId);
                return trustedPackageSha256.clone();
            }
            channel = content.channel();
            generation = contentGeneration;
        }
        // Hashing a whole package takes about a second per GiB: it runs outside the lock so that
        // readers (the multicast sender, peers being served) are never stalled by it. Blocks hashed
        // ahead (hashAheadOn) are not hashed again.
        try {
            synchronized (packageDigest) {
                long before = packageDigest.bytesHashed();
                byte[] sha = packageDigest.complete(generation, channel);
                LOG.debug("task {}: package hashed; {} bytes read for it now", taskId, packageDigest.bytesHashed() - before);
                return sha;
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                checkingPackage = false;
            }
            throw e;
        }
    }

    /**
     * Ends a whole-package check, under the lock and before its result is used: the entry must
     * still be writable and complete, and a package with another hash is discarded.
     */
    private void endPackageCheck(byte[] actual, byte[] expectedSha256, String discarded) throws IOException {
        checkingPackage = false;
        checkWritable();
        if (!isComplete()) {
            throw new IOException("task '" + taskId + "': a block was dropped while the package was being verified");
        }
        if (expectedSha256 != null && !MessageDigest.isEqual(actual, expectedSha256)) {
            discardContent();
            throw new IntegrityException("task '" + taskId + "': package SHA-256 is " + BlockHashes.toHex(actual)
                    + " but the task expects " + BlockHashes.toHex(expectedSha256) + "; " + discarded);
        }
    }

    /**
     * Writes the SHA-256 of every block, concatenated in block order, to {@code manifest} in the
     * entry's directory, once the entry is complete; peers fetch it to verify blocks whose hashes
     * they missed.
     *
     * @return the manifest file, or null while blocks are missing
     * @throws IOException if it cannot be written
     */
    public synchronized Path manifest() throws IOException {
        if (!isComplete() || closed) {
            return null;
        }
        return files.writeManifestOnce(blocks.presentHashes());
    }

    /** Keeps the package's delta units (checked against the trusted manifest) beside the entry, for peers. */
    public synchronized void keepUnits(byte[] unitsFile) throws IOException {
        checkOpen();
        files.writeUnits(unitsFile);
    }

    /** @return the units file kept by {@link #keepUnits}, or null */
    public synchronized Path unitsFile() {
        return closed ? null : files.units();
    }

    /**
     * Bytes of blocks whose commit took the SHA-256 computed while their bytes were written in order,
     * instead of reading them back; blocks that then failed their expected hash count too. With
     * {@link #bytesReadBack()}, tells how much of the verification cost the in-order path saved.
     *
     * @return the bytes, since this entry was opened
     */
    public synchronized long bytesHashedAsWritten() {
        return verifier.bytesHashedAsWritten();
    }

    /**
     * Bytes of blocks that {@link #commitBlock(int)} read back from the content file to hash them:
     * written out of order, in part more than once, by several writers interleaved beyond the
     * digests kept, or not to their end. The re-verification of present blocks when an entry is
     * opened is not counted.
     *
     * @return the bytes, since this entry was opened
     */
    public synchronized long bytesReadBack() {
        return verifier.bytesReadBack();
    }

    /** @return whether the package was published; the entry then only serves reads */
    public synchronized boolean isPublished() {
        return published;
    }

    /**
     * Deletes the cached content and journal; the entry is then closed.
     *
     * @throws IOException on failure
     */
    public synchronized void delete() throws IOException {
        if (!published) {
            discardContent();
        }
        close();
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        inOrder.forgetAll();
        LOG.debug("task {}: {} bytes of blocks hashed as written, {} read back to be hashed", taskId,
                verifier.bytesHashedAsWritten(), verifier.bytesReadBack());
        IOException failure = Closeables.closeEach(blocks, content, lock);
        if (failure != null) {
            throw failure;
        }
    }

    private void discardContent() throws IOException {
        files.deleteManifest();
        // The journal is emptied first: a crash in between leaves content that no record vouches for.
        blocks.startAfresh();
        trustedPackageSha256 = null;
        vouched = null;
        // Reopen empty so the entry stays usable for a fresh attempt; no running digest describes it.
        inOrder.forgetAll();
        content = content.recreateEmpty();
        contentGeneration++;
    }

    private synchronized ContentFile writableContent() {
        checkWritable();
        return content;
    }

    private synchronized ContentFile readableContent() {
        checkOpen();
        return content;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cache entry of task '" + taskId + "' is closed");
        }
    }

    private void checkWritable() {
        checkOpen();
        if (published) {
            throw new IllegalStateException("task '" + taskId + "' is published; its content is read-only");
        }
    }

    private void checkIndex(int index) {
        if (!layout.isValidIndex(index)) {
            throw new IndexOutOfBoundsException("block " + index + " outside 0.." + (layout.blockCount() - 1)
                    + " of task '" + taskId + "'");
        }
    }
}
