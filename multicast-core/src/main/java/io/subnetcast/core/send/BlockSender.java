package io.subnetcast.core.send;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockLayout;

/**
 * Decides which chunk the representative sends next: queued retransmissions, and the first pass in
 * block order. A block the representative does not hold yet (its download is behind) makes the pass
 * wait rather than skip, so members hear blocks in order and the pass ends once.
 *
 * <p>The retransmission queue is bounded; a request beyond it is refused, so that no member can make
 * the representative queue unbounded work. While the first pass has chunks ready, retransmissions
 * and pass chunks alternate: a stream of NAKs, forged or not, can at most halve the pass, never stop
 * it. Choosing, queuing and sending a chunk allocate nothing in the steady state.
 */
public final class BlockSender {
    /** {@link #next} found a chunk: read it with {@link #block()}, {@link #offset()}, {@link #length()}. */
    public static final int CHUNK = 1;
    /** {@link #next} found nothing to send until the store holds the next block. */
    public static final int WAIT = 2;
    /** {@link #next} found the first pass over and no retransmission queued. */
    public static final int DONE = 3;

    /** What the pass does at a block. */
    public enum PassDecision {
        /** Send the block now. */
        SEND,
        /** Leave the block out of the pass: nobody needs it from the multicast. */
        SKIP,
        /** Wait: the block is needed but not held yet. */
        PAUSE,
        /** Send only the chunks {@link PassPolicy#sendsChunk} names (once the block is held). */
        SEND_PART
    }

    /** Decides, when the pass reaches a block, whether to send it now, skip it or wait for it. */
    @FunctionalInterface
    public interface PassPolicy {
        /**
         * @param block the block the pass reached
         * @return what the pass does there
         */
        PassDecision decide(int block);

        /**
         * For a block decided {@link PassDecision#SEND_PART}: whether the pass sends this chunk.
         *
         * @param block the block
         * @param offsetInBlock the chunk's offset
         * @return true to send it
         */
        default boolean sendsChunk(int block, int offsetInBlock) {
            return true;
        }
    }

    // Marks a queued key as a parity chunk's (block, parity id); chunk offsets never reach it.
    private static final long PARITY_KEY = 0x8000_0000L;

    /** Retransmitted chunks in a row before a ready pass chunk goes out. */
    static final int MAX_RETRANSMIT_STREAK = 1;

    private final BlockLayout layout;
    private final int chunkSize;
    private final PassPolicy policy;
    private final int maxQueued;
    private final ChunkQueue queue = new ChunkQueue();
    private int passBlock;
    private int passOffset;
    // The pass block was decided SEND_PART: only the chunks the policy names go out.
    private boolean passPart;
    private int block;
    private int offset;
    private int length;
    private boolean retransmission;
    private boolean parity;
    // Retransmitted chunks sent since the last pass chunk.
    private int retransmitStreak;

    /**
     * @param layout the package's blocks
     * @param chunkSize payload bytes per datagram
     * @param maxQueued most chunks waiting for retransmission
     */
    public BlockSender(BlockLayout layout, int chunkSize, int maxQueued) {
        this(layout, chunkSize, maxQueued, null);
    }

    /**
     * @param layout the package's blocks
     * @param chunkSize payload bytes per datagram
     * @param maxQueued most chunks waiting for retransmission
     * @param policy decides per block whether the pass sends, skips or waits; null to send every
     *     block in order, waiting for those not held yet
     */
    public BlockSender(BlockLayout layout, int chunkSize, int maxQueued, PassPolicy policy) {
        this.layout = layout;
        this.chunkSize = chunkSize;
        this.maxQueued = maxQueued;
        this.policy = policy;
    }

    /**
     * Finds the next chunk to send without consuming it; call {@link #advance()} once it went out.
     *
     * @param store what the representative holds
     * @return {@link #CHUNK}, {@link #WAIT} or {@link #DONE}
     */
    public int next(BlockFile store) {
        if (queue.size() > 0 && retransmitStreak < MAX_RETRANSMIT_STREAK) {
            return nextRetransmission();
        }
        int pass = nextPassChunk(store);
        if (pass != CHUNK && queue.size() > 0) {
            return nextRetransmission();
        }
        return pass;
    }

    private int nextRetransmission() {
        long head = queue.peek();
        block = (int) (head >>> 32);
        parity = (head & PARITY_KEY) != 0;
        if (parity) {
            offset = (int) (head & ~PARITY_KEY & 0xffffffffL);
            length = chunkSize;
        } else {
            offset = (int) head;
            length = Math.min(chunkSize, layout.lengthOf(block) - offset);
        }
        retransmission = true;
        return CHUNK;
    }

    private int nextPassChunk(BlockFile store) {
        while (true) {
            // A block is judged when the pass reaches it; once started it is sent whole (or its part).
            while (passOffset == 0 && passBlock < layout.blockCount()) {
                PassDecision decision = policy == null
                        ? (store.hasBlock(passBlock) ? PassDecision.SEND : PassDecision.PAUSE) : policy.decide(passBlock);
                if (decision == PassDecision.SKIP) {
                    passBlock++;
                } else if (decision == PassDecision.PAUSE || !store.hasBlock(passBlock)) {
                    return WAIT;
                } else {
                    passPart = decision == PassDecision.SEND_PART;
                    break;
                }
            }
            if (passBlock >= layout.blockCount()) {
                return DONE;
            }
            if (!passPart) {
                break;
            }
            int blockLength = layout.lengthOf(passBlock);
            while (passOffset < blockLength && !policy.sendsChunk(passBlock, passOffset)) {
                passOffset += chunkSize;
            }
            if (passOffset < blockLength) {
                break;
            }
            passBlock++; // nothing more of this block goes out
            passOffset = 0;
            passPart = false;
        }
        block = passBlock;
        offset = passOffset;
        length = Math.min(chunkSize, layout.lengthOf(block) - offset);
        retransmission = false;
        parity = false;
        return CHUNK;
    }

    /** Marks the chunk last returned by {@link #next} as sent. */
    public void advance() {
        if (retransmission) {
            queue.poll();
            retransmitStreak++;
            return;
        }
        retransmitStreak = 0;
        passOffset += length;
        if (passOffset >= layout.lengthOf(passBlock)) {
            passBlock++;
            passOffset = 0;
            passPart = false;
        }
    }

    /**
     * Queues the chunks covering a byte range of a block for retransmission.
     *
     * @param requestBlock block index, validated here
     * @param requestOffset first byte inside the block
     * @param requestLength bytes
     * @return the number of chunks newly queued; 0 for invalid ranges or a full queue
     */
    public int requestRetransmission(int requestBlock, int requestOffset, int requestLength) {
        if (!layout.isValidIndex(requestBlock) || requestOffset < 0 || requestLength <= 0) {
            return 0;
        }
        int blockLength = layout.lengthOf(requestBlock);
        if (requestOffset >= blockLength) {
            return 0;
        }
        int end = (int) Math.min(blockLength, (long) requestOffset + requestLength);
        int added = 0;
        for (int chunk = requestOffset / chunkSize * chunkSize; chunk < end; chunk += chunkSize) {
            if (queue.size() >= maxQueued) {
                break;
            }
            if (queue.offer(key(requestBlock, chunk))) {
                added++;
            }
        }
        return added;
    }

    /**
     * Queues one parity chunk of a block ({@link io.subnetcast.core.fec}) for sending.
     *
     * @param requestBlock a valid block index
     * @param parityId a parity id valid for that block
     * @return false if it was queued already or the queue is full
     */
    public boolean requestParity(int requestBlock, int parityId) {
        if (!layout.isValidIndex(requestBlock) || parityId < 0 || queue.size() >= maxQueued) {
            return false;
        }
        return queue.offer(key(requestBlock, parityId) | PARITY_KEY);
    }

    /** @return the block of the first pass's position: everything before it was sent once */
    public int passPosition() {
        return passBlock;
    }

    /** @return whether the first pass is over */
    public boolean passDone() {
        return passBlock >= layout.blockCount();
    }

    /** @return chunks waiting for retransmission */
    public int queuedRetransmissions() {
        return queue.size();
    }

    /** @return block of the current chunk */
    public int block() {
        return block;
    }

    /** @return offset inside the block of the current chunk */
    public int offset() {
        return offset;
    }

    /** @return payload length of the current chunk */
    public int length() {
        return length;
    }

    /**
     * @return whether the current chunk is a parity chunk: {@link #offset()} is then its parity id
     *     and {@link #length()} a whole chunk
     */
    public boolean isParity() {
        return parity;
    }

    /** @return whether the current chunk is a retransmission */
    public boolean isRetransmission() {
        return retransmission;
    }

    private static long key(int block, int offset) {
        return ((long) block << 32) | (offset & 0xffffffffL);
    }
}
