package io.subnetcast.core.receive;

import io.netty.buffer.ByteBuf;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.fec.ParityDecoder;
import io.subnetcast.core.fec.ParityGroups;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * A member's parity chunks ({@link io.subnetcast.core.fec}) for the blocks it misses chunks of,
 * and the recovery they allow: once a group of a block holds as many parity chunks as it misses
 * chunks, its missing chunks are computed and written into the cache entry as if they had arrived.
 *
 * <p>Bounded: at most {@code maxChunks} parity chunks are kept (their buffers are reused, not
 * freed), and one held beyond that is dropped, as the network may drop it; the NAK that follows
 * asks again. Runs on the agent's thread.
 */
public final class ParityRecovery {
    /** Parity chunks kept per agent by default: 6 MiB at a 1,440-byte chunk. */
    public static final int DEFAULT_MAX_CHUNKS = 4096;

    private final BlockLayout layout;
    private final int chunkSize;
    private final int maxChunks;
    private final Map<Integer, Held> byBlock = new HashMap<>();
    private final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
    private int chunksHeld;
    private ParityDecoder decoder;
    private ByteBuffer blockBytes;
    private ParityGroups wholeBlockGroups;
    private ParityGroups lastBlockGroups;

    /** The parity chunks held for one block. */
    private static final class Held {
        final ParityGroups groups;
        int[] ids = new int[16];
        ByteBuffer[] chunks = new ByteBuffer[16];
        int count;
        final int[] perGroup;

        Held(ParityGroups groups) {
            this.groups = groups;
            this.perGroup = new int[groups.groups()];
        }

        boolean has(int id) {
            for (int i = 0; i < count; i++) {
                if (ids[i] == id) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * @param layout the package's blocks
     * @param chunkSize payload bytes per chunk
     * @param maxChunks most parity chunks kept at once
     */
    public ParityRecovery(BlockLayout layout, int chunkSize, int maxChunks) {
        this.layout = layout;
        this.chunkSize = chunkSize;
        this.maxChunks = maxChunks;
    }

    /**
     * Checks a parity datagram's block, id and length as they came from the wire.
     *
     * @return whether they name a parity chunk of this layout
     */
    public boolean isValid(int block, int parityId, int length) {
        return layout.isValidIndex(block) && length == chunkSize && groupsOf(block).isValidParityId(parityId);
    }

    /** @return the parity geometry of a valid block: one for whole blocks, one for a short last block */
    private ParityGroups groupsOf(int block) {
        int length = layout.lengthOf(block);
        if (length == layout.blockSize()) {
            if (wholeBlockGroups == null) {
                wholeBlockGroups = ParityGroups.of(length, chunkSize);
            }
            return wholeBlockGroups;
        }
        if (lastBlockGroups == null) {
            lastBlockGroups = ParityGroups.of(length, chunkSize);
        }
        return lastBlockGroups;
    }

    /**
     * A parity chunk of a block this member lacks: kept, and the block's chunks recovered where its
     * group now holds enough.
     *
     * @param store the cache entry
     * @param tracker the chunks held of partial blocks
     * @param block a valid block index, not held whole
     * @param parityId a valid parity id of it
     * @param payload the datagram's buffer
     * @param payloadIndex where the chunk starts in it ({@code chunkSize} bytes)
     * @return chunk offsets recovered and recorded (the block is then committed when whole), or
     *     {@code null} when none was
     * @throws IOException when the cache entry cannot be read or written
     */
    public int[] onParity(BlockFile store, ChunkTracker tracker, int block, int parityId, ByteBuf payload,
                          int payloadIndex) throws IOException {
        if (chunksHeld >= maxChunks) {
            return null; // dropped, as the network may drop it: the next NAK asks again
        }
        Held held = byBlock.get(block);
        if (held == null) {
            held = new Held(groupsOf(block));
            byBlock.put(block, held);
        }
        if (held.has(parityId)) {
            return null;
        }
        ByteBuffer chunk = spare.isEmpty() ? ByteBuffer.allocate(chunkSize) : spare.pop();
        chunk.clear();
        payload.getBytes(payloadIndex, chunk);
        chunk.flip();
        if (held.count == held.ids.length) {
            held.ids = Arrays.copyOf(held.ids, held.count * 2);
            held.chunks = Arrays.copyOf(held.chunks, held.count * 2);
        }
        held.ids[held.count] = parityId;
        held.chunks[held.count++] = chunk;
        chunksHeld++;
        int group = held.groups.groupOfParity(parityId);
        held.perGroup[group]++;
        BitSet missing = missingOfGroup(tracker, block, held.groups, group);
        if (missing.isEmpty() || missing.cardinality() > held.perGroup[group]) {
            return null;
        }
        return recover(store, tracker, block, held, missing);
    }

    private int[] recover(BlockFile store, ChunkTracker tracker, int block, Held held, BitSet missing)
            throws IOException {
        if (decoder == null) {
            decoder = new ParityDecoder(chunkSize);
            blockBytes = ByteBuffer.allocate(layout.blockSize());
        }
        int length = layout.lengthOf(block);
        long blockOffset = layout.offsetOf(block);
        blockBytes.clear().limit(length);
        store.read(blockOffset, blockBytes);
        blockBytes.clear();
        BitSet recovered = decoder.recover(blockBytes, held.groups, missing, held.ids, held.chunks, held.count);
        int[] offsets = new int[recovered.cardinality()];
        int n = 0;
        for (int chunk = recovered.nextSetBit(0); chunk >= 0; chunk = recovered.nextSetBit(chunk + 1)) {
            int offset = held.groups.chunkOffset(chunk);
            store.write(blockOffset + offset, blockBytes.duplicate().position(offset)
                    .limit(offset + held.groups.chunkLength(chunk)));
            offsets[n++] = offset;
        }
        return offsets;
    }

    /**
     * @param tracker the chunks held of partial blocks
     * @param block a block not held whole
     * @return parity chunks per group this member still needs for the block: the most chunks any
     *     of its groups misses beyond the parity held for it
     */
    public int need(ChunkTracker tracker, int block) {
        Held held = byBlock.get(block);
        ParityGroups groups = groupsOf(block);
        int[] missing = new int[groups.groups()];
        for (int chunk = 0; chunk < groups.chunks(); chunk++) {
            if (!tracker.has(block, groups.chunkOffset(chunk))) {
                missing[groups.group(chunk)]++;
            }
        }
        int need = 0;
        for (int group = 0; group < missing.length; group++) {
            need = Math.max(need, missing[group] - (held == null ? 0 : held.perGroup[group]));
        }
        return need;
    }

    /**
     * Drops the parity held for a block: it is whole, or failed verification (its parity may have
     * been forged, or the chunks it was combined with).
     *
     * @param block a block index
     */
    public void forget(int block) {
        Held held = byBlock.remove(block);
        if (held == null) {
            return;
        }
        for (int i = 0; i < held.count; i++) {
            spare.push(held.chunks[i]);
        }
        chunksHeld -= held.count;
    }

    /** @return parity chunks held now */
    public int chunksHeld() {
        return chunksHeld;
    }

    private BitSet missingOfGroup(ChunkTracker tracker, int block, ParityGroups groups, int group) {
        BitSet missing = new BitSet(groups.chunks());
        for (int chunk = group; chunk < groups.chunks(); chunk += groups.groups()) {
            if (!tracker.has(block, groups.chunkOffset(chunk))) {
                missing.set(chunk);
            }
        }
        return missing;
    }
}
