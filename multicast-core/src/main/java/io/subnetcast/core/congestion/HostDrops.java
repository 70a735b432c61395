package io.subnetcast.core.congestion;

/**
 * Matches what a member's own receive socket dropped (its host did not read in time) with the gaps
 * its {@link LossMeter} found, so that the loss it reports is what the path lost. The kernel counts
 * a drop when it happens; the meter sees the gap only after reading everything the socket had queued
 * before it, which a member that was starved for a while (the JIT, a collection, other processes)
 * does windows later. Drops no gap has matched yet are kept until the member has read
 * {@value #CARRY_DATAGRAMS} more datagrams. (Kept for one window only, a starved member's drops
 * were forgotten before their gaps showed, and its 78% loss window cut the rate to the floor.)
 *
 * <p>Single-threaded, like the meter; counts only, allocates nothing.
 */
public final class HostDrops {
    /**
     * How many datagrams a member reads before it forgets drops no gap has matched: a 4 MiB
     * receive buffer queues about 3,600 datagrams of 1500 bytes (the kernel charges each about 2.3
     * KiB against twice the buffer size asked for), so their gaps show within that many; twice it.
     */
    public static final long CARRY_DATAGRAMS = 8192;

    private long seen = -1;
    private long pending;
    private long readSince;
    private long lastFresh;

    /** Creates a ledger that has seen no count yet: the first is all the socket dropped since it opened. */
    public HostDrops() {
    }

    /**
     * Takes this host's drops off the window the meter just closed.
     *
     * @param meter the meter, right after it closed a window
     * @param socketDrops the socket's drop count since it was opened, or -1 where the platform does
     *     not tell (then nothing is taken off and nothing is kept)
     * @return the datagrams of the window taken off as this host's
     */
    public long discount(LossMeter meter, long socketDrops) {
        if (socketDrops < 0) {
            seen = -1;
            pending = 0;
            lastFresh = 0;
            return 0;
        }
        long lost = meter.windowLost();
        // The first count is all the socket dropped since it was opened to receive the session (a
        // burst at the pass's start finds a host still busy starting); a smaller count than the
        // last is a new socket's.
        long fresh = socketDrops < seen || seen < 0 ? socketDrops : socketDrops - seen;
        seen = socketDrops;
        lastFresh = fresh;
        readSince = fresh > 0 ? 0 : readSince + meter.windowExpected() - lost;
        long left = meter.discountHostDrops(pending + fresh);
        pending = readSince >= CARRY_DATAGRAMS ? 0 : Math.min(left, CARRY_DATAGRAMS);
        return lost - meter.windowLost();
    }

    /** @return what the socket dropped since the window before the last {@link #discount} */
    public long lastFresh() {
        return lastFresh;
    }
}
