package io.subnetcast.core.sim;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.session.SessionAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * A simulated HTTP origin: serves a generated package at a fixed rate per download, in virtual
 * time, and counts every byte it serves, so tests can assert "fetched once per subnet".
 */
public final class SimOrigin {
    private final long length;
    private final long seed;
    private final long bytesPerSecond;
    private final byte[] sha256;
    // The package's bytes when a test gives them (versions of one package for delta); null: made from the seed.
    private final byte[] content;
    // Or the package in a (sparse) file, for packages beyond what an array holds.
    private final java.nio.channels.FileChannel file;
    private byte[] publishedManifest;
    private byte[] publishedUnits;
    private long unitsServed;
    private boolean ignoresRanges;
    private boolean refusesProbes;
    private final List<Job> jobs = new ArrayList<>();
    private long bytesServed;
    private int probes;
    private int downloads;
    private long nowNs;

    private static final class Job {
        final SessionAgent agent;
        final BlockFile store;
        final long startedNs;
        int nextBlock;
        long dueNs;
        boolean probe;
        boolean cancelled;
        IntPredicate wanted = block -> true;

        Job(SessionAgent agent, BlockFile store, long startedNs) {
            this.agent = agent;
            this.store = store;
            this.startedNs = startedNs;
        }
    }

    /**
     * @param length package length
     * @param seed content seed
     * @param bytesPerSecond download rate of each fetch
     */
    public SimOrigin(long length, long seed, long bytesPerSecond) {
        this(length, seed, bytesPerSecond, null, null);
    }

    /**
     * An origin serving the given bytes.
     *
     * @param content the package (kept, not copied)
     * @param bytesPerSecond download rate of each fetch
     */
    public SimOrigin(byte[] content, long bytesPerSecond) {
        this(content.length, 0, bytesPerSecond, content, null);
    }

    /**
     * An origin serving a file, which may be larger than 4 GiB (sparse); the test closes the
     * channel with its temporary directory.
     *
     * @param file the package
     * @param bytesPerSecond download rate of each fetch
     * @throws java.io.IOException if the file cannot be read
     */
    public SimOrigin(java.nio.file.Path file, long bytesPerSecond) throws java.io.IOException {
        this(java.nio.file.Files.size(file), 0, bytesPerSecond, null, java.nio.channels.FileChannel.open(file));
    }

    private SimOrigin(long length, long seed, long bytesPerSecond, byte[] content, java.nio.channels.FileChannel file) {
        this.length = length;
        this.seed = seed;
        this.bytesPerSecond = bytesPerSecond;
        this.content = content;
        this.file = file;
        MessageDigest digest = BlockHashes.newSha256();
        byte[] chunk = new byte[65_536];
        for (long offset = 0; offset < length; offset += chunk.length) {
            int n = (int) Math.min(chunk.length, length - offset);
            fill(offset, chunk, n);
            digest.update(chunk, 0, n);
        }
        this.sha256 = digest.digest();
    }

    /** @return the package's SHA-256 */
    public byte[] sha256() {
        return sha256.clone();
    }

    /** @return the package length */
    public long length() {
        return length;
    }

    /** @return package bytes served to all fetches */
    public long bytesServed() {
        return bytesServed;
    }

    /** @return HEAD-like probes answered */
    public int probes() {
        return probes;
    }

    /** @return downloads started */
    public int downloads() {
        return downloads;
    }

    /** Fills {@code into[0..n)} with the package bytes at {@code offset}. */
    public void fill(long offset, byte[] into, int n) {
        if (content != null) {
            System.arraycopy(content, (int) offset, into, 0, n);
            return;
        }
        if (file != null) {
            java.nio.ByteBuffer target = java.nio.ByteBuffer.wrap(into, 0, n);
            try {
                while (target.hasRemaining()) {
                    if (file.read(target, offset + target.position()) < 0) {
                        throw new java.io.EOFException("origin file ends at " + (offset + target.position()));
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            long at = offset + i;
            long mixed = (at >>> 3) * 0x9E3779B97F4A7C15L + seed;
            into[i] = (byte) (mixed >>> ((at & 7) * 8));
        }
    }

    /**
     * Serves a byte range to a repair request and counts it.
     *
     * @param offset package offset
     * @param length bytes
     * @return the bytes
     */
    public byte[] serveRange(long offset, int length) {
        byte[] bytes = new byte[length];
        fill(offset, bytes, length);
        // An origin that ignores ranges answers 200: the fetcher reads its body up to the span's end.
        bytesServed += ignoresRanges ? offset + length : length;
        return bytes;
    }

    /** @param value make this origin refuse probes (as one that went down after serving the manifest) */
    public void setRefusesProbes(boolean value) {
        this.refusesProbes = value;
    }

    /** @param value make this origin ignore byte ranges (answer every range request with the whole body) */
    public void setIgnoresRanges(boolean value) {
        this.ignoresRanges = value;
    }

    /**
     * @param blockSize block size of the manifest
     * @return the trusted manifest of the package, as the management system would publish it
     */
    public byte[] manifestBytes(int blockSize) {
        return publishedManifest != null ? publishedManifest.clone() : manifestOf(blockSize, false);
    }

    /**
     * Publishes a manifest made elsewhere (one with delta units, say) instead of the one made here.
     *
     * @param bytes the manifest
     */
    public void publishManifest(byte[] bytes) {
        this.publishedManifest = bytes.clone();
    }

    /**
     * Publishes the delta units file beside the manifest.
     *
     * @param bytes the units file
     */
    public void publishUnits(byte[] bytes) {
        this.publishedUnits = bytes.clone();
    }

    /** @return the published units file; an empty one when none was published */
    byte[] unitsBytes() {
        return publishedUnits == null ? new byte[0] : publishedUnits.clone();
    }

    /** Counts a units file served from here. */
    void countUnitsServed(long bytes) {
        unitsServed += bytes;
    }

    /** @return bytes of delta units files this origin served (not counted in {@link #bytesServed}) */
    public long unitsServed() {
        return unitsServed;
    }

    /**
     * The bytes of the package's manifest, or of a manifest that vouches for the blocks as a
     * corrupt node would send them ({@link SimNode#corrupt}).
     */
    byte[] manifestOf(int blockSize, boolean corrupted) {
        io.subnetcast.core.cache.BlockLayout layout = new io.subnetcast.core.cache.BlockLayout(length, blockSize);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(24 + layout.blockCount() * 32);
        out.putInt(0x53434D46).putShort((short) 1).putShort((short) 0).putLong(length).putInt(blockSize)
                .putInt(layout.blockCount());
        for (int block = 0; block < layout.blockCount(); block++) {
            byte[] bytes = new byte[layout.lengthOf(block)];
            fill(layout.offsetOf(block), bytes, bytes.length);
            if (corrupted) {
                SimNode.corrupt(bytes, 0);
            }
            out.put(BlockHashes.newSha256().digest(bytes));
        }
        return out.array();
    }

    void probe(SessionAgent agent) {
        probes++;
        Job job = new Job(agent, null, nowNs);
        job.probe = true;
        job.dueNs = nowNs + 1_000_000; // a round trip
        jobs.add(job);
    }

    void fetch(SessionAgent agent, BlockFile store, IntPredicate wanted) {
        Job job = new Job(agent, store, nowNs);
        job.wanted = wanted;
        job.nextBlock = nextWanted(job, 0);
        if (job.nextBlock < 0) {
            return;
        }
        downloads++;
        job.dueNs = dueFor(job);
        jobs.add(job);
    }

    private static int nextWanted(Job job, int from) {
        int block = job.store.nextMissingBlock(from);
        while (block >= 0 && !job.wanted.test(block)) {
            block = job.store.nextMissingBlock(block + 1);
        }
        return block;
    }

    void cancel(SessionAgent agent) {
        for (Job job : jobs) {
            if (job.agent == agent) {
                job.cancelled = true;
            }
        }
    }

    long nextEventNs(java.util.function.Predicate<SessionAgent> held) {
        long next = Long.MAX_VALUE;
        for (Job job : jobs) {
            if (!job.cancelled && !held.test(job.agent)) {
                next = Math.min(next, job.dueNs);
            }
        }
        return next;
    }

    /**
     * Hands every due probe answer and block to its agent, telling {@code reached} which agents it
     * reached; the jobs of {@code held} agents (a stalled node's loop reads no socket) wait.
     */
    void deliverDue(long now, java.util.function.Predicate<SessionAgent> held,
                    java.util.function.Consumer<SessionAgent> reached) {
        this.nowNs = now;
        for (int i = 0; i < jobs.size(); i++) {
            Job job = jobs.get(i);
            if (held.test(job.agent)) {
                continue;
            }
            while (!job.cancelled && job.dueNs <= now) {
                reached.accept(job.agent);
                if (job.probe) {
                    job.cancelled = true;
                    if (refusesProbes) {
                        job.agent.onFetchFailed("origin.test: connection refused", now);
                    } else {
                        job.agent.onPackageInfo(length, "\"sim-" + seed + "\"", !ignoresRanges, now);
                    }
                    break;
                }
                deliverBlock(job, now);
            }
        }
        jobs.removeIf(job -> job.cancelled);
    }

    void advanceTo(long now) {
        this.nowNs = now;
    }

    private void deliverBlock(Job job, long now) {
        int block = job.nextBlock;
        int blockLength = job.store.layout().lengthOf(block);
        byte[] bytes = new byte[blockLength];
        fill(job.store.layout().offsetOf(block), bytes, blockLength);
        try {
            // Like the real downloader: bytes for a block that arrived meanwhile are not written.
            if (!job.store.hasBlock(block) && !job.store.isPublished()) {
                job.store.write(job.store.layout().offsetOf(block), ByteBuffer.wrap(bytes));
                job.store.commitBlock(block);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytesServed += blockLength;
        job.nextBlock = nextWanted(job, block + 1);
        if (job.nextBlock < 0) {
            job.cancelled = true;
        } else {
            job.dueNs = dueFor(job);
        }
        job.agent.onBlockFetched(block, now);
    }

    private long dueFor(Job job) {
        long blockLength = job.store.layout().lengthOf(job.nextBlock);
        long start = Math.max(nowNs, job.dueNs);
        return start + blockLength * 1_000_000_000L / bytesPerSecond;
    }
}
