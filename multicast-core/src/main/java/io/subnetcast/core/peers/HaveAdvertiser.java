package io.subnetcast.core.peers;

import com.google.protobuf.ByteString;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.wire.proto.Have;

/**
 * Builds this agent's advertisements of what it holds, one window of the block bitmap at a time:
 * a package of many blocks is described over several messages (each fits one datagram) by a
 * cursor that moves on with every advertisement and wraps around, so every block is advertised
 * within a bounded number of intervals. A complete copy is one short message.
 */
public final class HaveAdvertiser {
    /** Largest bitmap window per advertisement: 32,768 blocks, well inside one datagram. */
    public static final int MAX_HAVE_BYTES = 4096;

    private int cursor;

    /** Creates an advertiser whose first window starts at block 0. */
    public HaveAdvertiser() {
    }

    /**
     * @param store the cache entry
     * @param sessionId the session it is advertised in
     * @param blockServerUrl where peers fetch from this agent, empty for nowhere
     * @return the next advertisement
     */
    public Have.Builder next(BlockFile store, long sessionId, String blockServerUrl) {
        int blockCount = store.layout().blockCount();
        Have.Builder have = Have.newBuilder().setSessionId(sessionId).setRepairUrl(blockServerUrl)
                .setBlockCount(blockCount);
        if (store.isComplete()) {
            return have.setComplete(true);
        }
        if (cursor >= blockCount) {
            cursor = 0;
        }
        byte[] bits = PeerDirectory.encode(store::hasBlock, blockCount, cursor, MAX_HAVE_BYTES);
        have.setFirstBlock(cursor).setHeld(ByteString.copyFrom(bits));
        cursor += bits.length * 8;
        return have;
    }
}
