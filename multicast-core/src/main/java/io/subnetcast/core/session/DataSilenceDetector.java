package io.subnetcast.core.session;

import io.subnetcast.core.cache.BlockFile;

/**
 * Tells a member whose data group delivers nothing (a switch whose IGMP snooping prunes the group,
 * a Wi-Fi network that drops multicast data) from one that merely loses part of it.
 *
 * <p>The rule: the session is multicasting (its beacons say SENDING), no data datagram of the
 * session has arrived for the silence limit, and the beacons heard meanwhile show the pass moved
 * past a block this member lacks ({@code next_block}). A lossy member hears some datagrams every
 * few milliseconds and never stays silent that long; a representative that waits for its download
 * or skips blocks everyone holds does not move past a lacking block, so neither looks like silence.
 * The beacons themselves arrive on the control group, which is what makes the silence
 * meaningful: the representative is alive and sending, yet nothing reaches us.
 *
 * <p>Detection therefore comes at most the silence limit plus one beacon interval after the first
 * SENDING beacon (or the last data datagram), provided the pass advances over a lacking block in
 * that time; a pass that stands still for a whole limit restarts the window when it moves again.
 * A pass that ends sooner is judged at its end ({@link #passMovedWithoutData()}). No I/O and no
 * clock: the caller passes the time.
 */
final class DataSilenceDetector {
    private static final int NOT_WATCHING = -1;

    private final long limitNs;
    /** The pass position when the current silence began, or {@link #NOT_WATCHING}. */
    private int baselineBlock = NOT_WATCHING;
    private long silentSinceNs;
    private boolean passAdvanced;

    /** @param limitNs how long the data group may stay silent while the pass advances */
    DataSilenceDetector(long limitNs) {
        this.limitNs = limitNs;
    }

    /** A data datagram of the session arrived: the group delivers, the silence is over. */
    void onData() {
        baselineBlock = NOT_WATCHING;
    }

    /**
     * A beacon of the followed representative arrived.
     *
     * @param sending whether it says the session multicasts
     * @param nextBlock the block its pass is at
     * @param store this member's cache, or null while the layout is unknown
     * @param nowNs current time
     */
    void onBeacon(boolean sending, int nextBlock, BlockFile store, long nowNs) {
        if (!sending || store == null) {
            baselineBlock = NOT_WATCHING; // waiting, paused or ended: no data is due
            return;
        }
        if (baselineBlock == NOT_WATCHING) {
            baselineBlock = nextBlock;
            silentSinceNs = nowNs;
            passAdvanced = false;
            return;
        }
        if (!passAdvanced && nextBlock > baselineBlock) {
            int missing = store.nextMissingBlock(baselineBlock);
            passAdvanced = missing >= 0 && missing < nextBlock;
        }
        if (!passAdvanced && nowNs - silentSinceNs - limitNs >= 0) {
            // A whole limit without progress (the representative waits for its download) proves
            // nothing: the window slides, so the limit is always one of a moving pass.
            baselineBlock = nextBlock;
            silentSinceNs = nowNs;
        }
    }

    /** Forgets the session: a new one, a local pause or leaving. */
    void reset() {
        baselineBlock = NOT_WATCHING;
    }

    /**
     * @param nowNs current time
     * @return whether the data group is judged blocked
     */
    boolean isSilent(long nowNs) {
        return passMovedWithoutData() && nowNs - silentSinceNs - limitNs >= 0;
    }

    /**
     * @return whether the pass has moved past a block this member lacks since the silence began:
     *     at the pass's end, before the limit ran out, this too says the group delivered nothing
     */
    boolean passMovedWithoutData() {
        return baselineBlock != NOT_WATCHING && passAdvanced;
    }

    /**
     * @return when {@link #isSilent} turns true, {@link Long#MAX_VALUE} until the pass has moved (a
     *     beacon, which is an event of its own, must show that first)
     */
    long wakeNs() {
        return passMovedWithoutData() ? silentSinceNs + limitNs : Long.MAX_VALUE;
    }

    /** @return how long the data group had been silent at {@code nowNs}, 0 if not watching */
    long silentForNs(long nowNs) {
        return baselineBlock == NOT_WATCHING ? 0 : nowNs - silentSinceNs;
    }
}
