package io.subnetcast.core.peers;

import com.google.protobuf.ByteString;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.wire.proto.Have;
import java.util.function.IntPredicate;

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
        return next(store, sessionId, blockServerUrl, null);
    }

    /**
     * @param store the cache entry
     * @param sessionId the session it is advertised in
     * @param blockServerUrl where peers fetch from this agent, empty for nowhere
     * @param mostlyHeld blocks lacked but held more than half (their gaps are this agent's gap
     *     repair's), or null when none are; the window halves to keep both bitmaps in one datagram
     * @return the next advertisement
     */
    public Have.Builder next(BlockFile store, long sessionId, String blockServerUrl, IntPredicate mostlyHeld) {
        int blockCount = store.layout().blockCount();
        Have.Builder have = Have.newBuilder().setSessionId(sessionId).setRepairUrl(blockServerUrl)
                .setBlockCount(blockCount);
        if (store.isComplete()) {
            return have.setComplete(true);
        }
        if (cursor >= blockCount) {
            cursor = 0;
        }
        int window = mostlyHeld == null ? MAX_HAVE_BYTES : MAX_HAVE_BYTES / 2;
        byte[] bits = PeerDirectory.encode(store::hasBlock, blockCount, cursor, window);
        have.setFirstBlock(cursor).setHeld(ByteString.copyFrom(bits));
        if (mostlyHeld != null) {
            have.setMostlyHeld(ByteString.copyFrom(PeerDirectory.encode(
                    block -> !store.hasBlock(block) && mostlyHeld.test(block), blockCount, cursor, window)));
        }
        cursor += bits.length * 8;
        return have;
    }
}
