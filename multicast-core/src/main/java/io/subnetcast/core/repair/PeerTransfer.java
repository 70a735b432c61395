package io.subnetcast.core.repair;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.cache.VouchedUnits;
import java.net.URI;

/**
 * Moves package bytes from a peer (or the origin) into the local cache entry: the port through
 * which a {@link GapRepair} does its I/O. The engine binds it to HTTP/1.1 range requests
 * ({@link io.subnetcast.core.fetch.HttpPeerTransfer}), the simulated LAN to memory. Every completion
 * is delivered on the agent's thread, with the time on the agent's clock, and the agent is driven
 * after it, so that a repair never reads a clock or posts closures of its own. A completion is never
 * called from inside the call that started its transfer.
 */
public interface PeerTransfer {
    /** How a transfer ended; called on the agent's thread. */
    @FunctionalInterface
    interface Completion {
        /**
         * @param outcome how it ended
         * @param detail a short reason for a failure, empty otherwise
         * @param nowNs the time on the agent's clock
         */
        void done(Outcome outcome, String detail, long nowNs);
    }

    /** How a transfer ended. */
    enum Outcome {
        /** Every byte was written to the cache entry (not yet verified). */
        OK,
        /** The source does not hold that span (HTTP 404): not its fault. */
        NOT_HELD,
        /** Failed: connection, status, timeout, short body. */
        FAILED
    }

    /** Stops a transfer; its completion is then not called (a transfer may still report it as failed). */
    @FunctionalInterface
    interface Cancel {
        /** Stops it. */
        void cancel();
    }

    /**
     * Fetches package bytes {@code [offset, offset + length)} from a source into the store with
     * positional writes, and reports the end through {@code completion} on the agent's thread.
     *
     * @param source a peer's block server URL for the task, or the origin's package URL
     * @param offset package offset
     * @param length bytes
     * @param store where the bytes go
     * @param completion told how it ended
     * @return a way to stop it
     */
    Cancel fetch(URI source, long offset, int length, BlockFile store, Completion completion);

    /** Receives a manifest: the SHA-256 of every block, concatenated, or null if unavailable. */
    @FunctionalInterface
    interface ManifestCompletion {
        /**
         * @param hashes 32 bytes per block, or null
         * @param nowNs the time on the agent's clock
         */
        void done(byte[] hashes, long nowNs);
    }

    /**
     * Fetches the manifest of a task from a peer's block server.
     *
     * @param source the peer's block server URL for the task
     * @param blockCount blocks expected; a manifest of another size is refused
     * @param completion told the result on the agent's thread
     * @return a way to stop it
     */
    Cancel fetchManifest(URI source, int blockCount, ManifestCompletion completion);

    /** Receives which delta units a peer's basis files held. */
    @FunctionalInterface
    interface UnitsHeldCompletion {
        /**
         * @param units the units, checked against the layout; null if unavailable or malformed
         * @param nowNs the time on the agent's clock
         */
        void done(VouchedUnits units, long nowNs);
    }

    /**
     * Fetches which delta units of the package a peer found in its basis files (older versions):
     * spans it serves before their blocks are complete.
     *
     * @param source the peer's block server URL for the task
     * @param layout the package's layout, which the answer must fit
     * @param completion told the result on the agent's thread
     * @return a way to stop it
     */
    Cancel fetchUnitsHeld(URI source, BlockLayout layout, UnitsHeldCompletion completion);
}
