package io.subnetcast.core.send;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.wire.proto.Control;
import java.util.function.IntPredicate;

/**
 * What a {@link Representative} reads from its agent and where its effects go: the session
 * agent implements it over its {@code SessionPort}.
 */
public interface RepresentativeHost {
    /** @return the cache entry, or null while the package layout is unknown */
    BlockFile store();

    /** @return the chunks held of incomplete blocks, or null */
    ChunkTracker tracker();

    /** @return what the session's peers advertise holding, or null before a cache entry */
    PeerDirectory peers();

    /**
     * @param nowNs current time
     * @return the longest a peer may go between two adverts in this session (see
     *     {@code RepairContext#advertGapNs}), or 0 when not known
     */
    default long advertGapNs(long nowNs) {
        return 0;
    }

    /** @return whether the origin announced byte ranges (gaps of partly held blocks are fetched as ranges only then) */
    boolean originServesRanges();

    /** @return whether this agent's copy was verified and placed */
    boolean published();

    /** @return the URL of this agent's block server for the task, empty when it serves none */
    String blockServerUrl();

    /**
     * Sends a control message on the session's control group.
     *
     * @param message the message, stamped with this term's epoch
     */
    void sendControl(Control message);

    /**
     * Multicasts a chunk of a held block on the data group.
     *
     * @return false when the transport is full and the chunk should be tried again
     */
    boolean sendChunk(BlockFile store, long sessionId, int epoch, int block, int offsetInBlock, int length,
                      int sequence, int flags);

    /**
     * Starts the origin download of the missing blocks {@code wanted} accepts.
     *
     * @param wanted which missing blocks the download takes
     */
    void fetchMissing(IntPredicate wanted);

    /** The store is complete: verify and place the package. */
    void requestPublish();

    /** The linger (serving after the pass) counts from {@code nowNs}. */
    void lingerFrom(long nowNs);

    /** A member still made progress at {@code nowNs}: the linger lasts at least that long from it. */
    void extendLinger(long nowNs);

    /**
     * The term moved to a new phase.
     *
     * @param next the new phase
     * @param nowNs current time
     * @param reason why, for the log
     */
    void phaseChanged(Representative.Phase next, long nowNs, String reason);
}
