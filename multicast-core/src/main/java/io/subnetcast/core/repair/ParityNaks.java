package io.subnetcast.core.repair;

import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.receive.ChunkTracker;
import io.subnetcast.core.receive.ParityRecovery;
import io.subnetcast.core.wire.proto.Nak;
import io.subnetcast.core.wire.proto.ParityRequest;
import java.util.Arrays;
import java.util.BitSet;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * A member's parity NAKs, block by block, suppressed the way NORM suppresses them (RFC 5740,
 * section 5.3): a member asks for as many parity chunks per group as its worst group of the block
 * misses, and stays silent when it heard another member ask for at least as many, since the
 * representative's answer to that NAK repairs it too.
 *
 * <p>Random back-off alone would let every member whose need beats the largest heard so far speak:
 * about ln N of them per block on a subnet of N. The back-off is ordered by need instead: each
 * round is cut into slots, a larger need takes an earlier slot, and members of the same need spread
 * over their slot at random. The member that misses most speaks first and silences the rest; those
 * that miss as much speak in the same slot only if they do so before its NAK reaches them. A block
 * is judged again one NAK interval after its last judgement, with what the parity that came since
 * left missing.
 *
 * <p>Sans-IO, driven with the time by the {@link RepairPlanner}.
 */
final class ParityNaks {
    /** Back-off slots per round: needs of this many parity chunks and more take the first. */
    static final int SLOTS = 32;
    /** Parity requests per NAK message, as many as a NAK's chunk ranges. */
    private static final int MAX_REQUESTS = RepairPlanner.MAX_NAK_RANGES;

    private record Due(long atNs, int block) {
    }

    private final long intervalNs;
    private final long slotNs;
    private final RandomGenerator random;
    private final PriorityQueue<Due> queue = new PriorityQueue<>((a, b) -> Long.compare(a.atNs - b.atNs, 0));
    private long[] dueNs;
    private int[] heard;
    // Blocks judged once only (before a gap repair takes them), not every interval.
    private BitSet once;

    /**
     * @param intervalNs a block's NAK interval: how long a round's parity gets before it is judged again
     * @param random the back-off's jitter within a slot
     */
    ParityNaks(long intervalNs, RandomGenerator random) {
        this.intervalNs = intervalNs;
        this.slotNs = Math.max(1, intervalNs / 2 / SLOTS);
        this.random = random;
    }

    /**
     * Schedules a first judgement for every block missing now.
     *
     * @param store the cache entry
     * @param tracker chunks held of partial blocks
     * @param parity parity held
     * @param nowNs current time
     */
    void start(BlockFile store, ChunkTracker tracker, ParityRecovery parity, long nowNs) {
        prepare(store.layout().blockCount());
        for (int block = store.nextMissingBlock(0); block >= 0; block = store.nextMissingBlock(block + 1)) {
            schedule(block, nowNs + backoffNs(parity.need(tracker, block)));
        }
    }

    /**
     * Makes room for a package's blocks, so that what other members ask for from now on counts
     * (the pass is over).
     *
     * @param blocks the package's blocks
     */
    void prepare(int blocks) {
        if (dueNs == null || dueNs.length != blocks) {
            dueNs = new long[blocks];
            heard = new int[blocks];
            once = new BitSet(blocks);
        }
    }

    /**
     * Schedules one judgement of a block, not repeated: a gap repair takes what its parity leaves.
     *
     * @param block a block missing chunks, of a prepared package
     * @param need parity chunks per group it misses now, for its slot
     * @param nowNs current time
     */
    void once(int block, int need, long nowNs) {
        if (dueNs[block] != 0 || need <= 0) {
            return; // judged already, or due
        }
        once.set(block);
        schedule(block, nowNs + backoffNs(need));
    }

    /**
     * Another member asked for parity of a block: a need no larger than its count is served.
     *
     * @param block block index from the wire (ignored when out of range)
     * @param count parity chunks per group it asked for
     */
    void heard(int block, int count) {
        if (heard != null && block >= 0 && block < heard.length) {
            heard[block] = Math.max(heard[block], count);
        }
    }

    /**
     * Judges the blocks that are due: asks for parity of those whose need nobody asked for.
     *
     * @param store the cache entry
     * @param tracker chunks held of partial blocks
     * @param parity parity held
     * @param canNak whether a session takes the NAK now
     * @param naks where the NAK goes
     * @param nowNs current time
     */
    void doWork(BlockFile store, ChunkTracker tracker, ParityRecovery parity, boolean canNak, RepairPlanner.Naks naks,
                long nowNs) {
        Nak.Builder nak = null;
        while (!queue.isEmpty() && queue.peek().atNs() - nowNs <= 0) {
            Due due = queue.poll();
            int block = due.block();
            if (dueNs[block] != due.atNs() || store.hasBlock(block)) {
                continue; // rescheduled since, or whole
            }
            int need = parity.need(tracker, block);
            int ask = ask(need);
            if (need > 0 && heard[block] < ask && canNak) {
                if (nak == null) {
                    nak = Nak.newBuilder();
                }
                nak.addParity(ParityRequest.newBuilder().setBlock(block).setCount(ask));
                if (nak.getParityCount() == MAX_REQUESTS) {
                    naks.send(nak);
                    nak = null;
                }
            }
            heard[block] = 0;
            if (!once.get(block)) {
                schedule(block, nowNs + intervalNs + backoffNs(need));
            }
        }
        if (nak != null) {
            naks.send(nak);
        }
    }

    /** @return when {@link #doWork} next has a block to judge */
    long nextWakeNs() {
        return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().atNs();
    }

    /** Forgets every block: the session was left. */
    void stop() {
        queue.clear();
        if (dueNs != null) {
            Arrays.fill(dueNs, 0);
            Arrays.fill(heard, 0);
            once.clear();
        }
    }

    /**
     * @param need parity chunks per group this member misses
     * @return what it asks for: a margin over the need, since parity is lost like data
     */
    static int ask(int need) {
        return need <= 0 ? 0 : need + 1 + need / 8;
    }

    /** A larger need takes an earlier slot of the round; the same need, a random point of its slot. */
    private long backoffNs(int need) {
        int slot = SLOTS - 1 - Math.min(Math.max(need, 0), SLOTS - 1);
        return slot * slotNs + random.nextLong(slotNs);
    }

    private void schedule(int block, long atNs) {
        dueNs[block] = atNs;
        queue.add(new Due(atNs, block));
    }
}
