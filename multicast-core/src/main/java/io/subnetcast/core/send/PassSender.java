package io.subnetcast.core.send;

import com.google.protobuf.ByteString;
import io.subnetcast.core.cache.BlockBitmap;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.congestion.RateController;
import io.subnetcast.core.peers.PeerDirectory;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.proto.ChunkRange;
import io.subnetcast.core.wire.proto.Manifest;
import io.subnetcast.core.wire.proto.Nak;
import io.subnetcast.core.wire.proto.ParityRequest;

/**
 * The representative's data path for one term: the paced multicast pass over the package (blocks
 * sent as they arrive from the origin, each run of blocks announced with its SHA-256s first),
 * retransmissions and parity chunks asked for by NAKs within each member's budget, round NAKs collected for one NAK
 * window and answered by multicast only for blocks enough members lack, and the adaptive rate fed
 * by members' loss reports.
 *
 * <p>Sans-IO: time comes with each call, datagrams leave through {@link Output}. The session
 * decides when the pass starts and what its end means (the End messages, the linger).
 */
public final class PassSender {
    /** Largest chunk datagrams one call of {@link #pump} sends, so that one task cannot hog the loop. */
    private static final int MAX_CHUNKS_PER_TICK = 512;
    private static final int MAX_RETRANSMIT_QUEUE = 65_536;
    /** Blocks per manifest message: 32 SHA-256s fit one datagram. */
    private static final int MANIFEST_BLOCKS = 32;
    /** Parity requests read from one NAK: as many as its chunk ranges. */
    private static final int MAX_PARITY_REQUESTS = 64;

    /** Where the pass's datagrams go: the session adds its id, epoch and addressing. */
    public interface Output {
        /**
         * Multicasts one chunk of the store, or with {@link DataHeader#FLAG_PARITY} one parity chunk
         * of a block, {@code offsetInBlock} then being its parity id and {@code length} a whole
         * chunk ({@link io.subnetcast.core.fec.ParityWriter} computes it).
         *
         * @return false when the transport cannot take it now (the chunk is offered again later)
         */
        boolean sendChunk(BlockFile store, int block, int offsetInBlock, int length, int sequence, int flags);

        /** Multicasts a manifest (the session id is the caller's to set). */
        void sendManifest(Manifest.Builder manifest);
    }

    private final Output output;
    private final Pacer pacer;
    private final RateController rateController;
    private final long nakIntervalNs;
    private final int nakThreshold;
    private final long rateBitsPerSecond;
    private final int maxMembers;
    private BlockSender sender;
    private RetransmissionBudget budget;
    private ParityPlan parity;
    private int chunkSize;
    private int sequence;
    private int manifestSentUpTo;
    private BlockBitmap roundCandidates;
    private long roundEvaluateAtNs = Long.MAX_VALUE;

    /**
     * @param output where datagrams go
     * @param rateBitsPerSecond the configured send rate
     * @param adaptiveRate whether members' loss reports adapt it
     * @param mtu the path MTU, the pacer's burst unit
     * @param nakIntervalNs how long round NAKs are collected before they are judged
     * @param nakThreshold members that must lack a block before a round retransmits it
     * @param maxMembers members whose retransmission budgets are tracked
     */
    public PassSender(Output output, long rateBitsPerSecond, boolean adaptiveRate, int mtu, long nakIntervalNs,
                      int nakThreshold, int maxMembers) {
        this.output = output;
        this.pacer = new Pacer(rateBitsPerSecond, mtu);
        this.rateController = adaptiveRate ? new RateController(rateBitsPerSecond) : null;
        this.rateBitsPerSecond = rateBitsPerSecond;
        this.nakIntervalNs = nakIntervalNs;
        this.nakThreshold = nakThreshold;
        this.maxMembers = maxMembers;
    }

    /**
     * Starts the pass once the layout is known.
     *
     * @param layout the package's blocks
     * @param chunkSize payload bytes per datagram
     * @param policy what the pass does at each block
     */
    public void start(BlockLayout layout, int chunkSize, BlockSender.PassPolicy policy) {
        this.chunkSize = chunkSize;
        sender = new BlockSender(layout, chunkSize, MAX_RETRANSMIT_QUEUE, policy);
        parity = new ParityPlan(layout, chunkSize);
        // Each member may have at most half the send rate repeated for its own gaps.
        long perSourceBytesPerSecond = Math.max(1, rateBitsPerSecond / 16);
        budget = new RetransmissionBudget(perSourceBytesPerSecond, Math.max(chunkSize,
                perSourceBytesPerSecond * (nakIntervalNs / 1_000_000) / 1000), maxMembers);
    }

    /** @return whether {@link #start} was called */
    public boolean isStarted() {
        return sender != null;
    }

    /** @return whether the pass went over every block */
    public boolean passDone() {
        return sender != null && sender.passDone();
    }

    /** @return retransmissions waiting to be sent */
    public int queuedRetransmissions() {
        return sender == null ? 0 : sender.queuedRetransmissions();
    }

    /** @return the block the pass is at (0 before it started) */
    public int passPosition() {
        return sender == null ? 0 : sender.passPosition();
    }

    /** @return datagrams sent in this term */
    public int sequence() {
        return sequence;
    }

    /**
     * @param layout the package's blocks
     * @return package bytes the pass went over
     */
    public long passBytes(BlockLayout layout) {
        if (sender == null) {
            return 0;
        }
        return sender.passDone() || sender.passPosition() >= layout.blockCount() ? layout.length()
                : layout.offsetOf(sender.passPosition());
    }

    /** @return the adaptive rate, or null when the rate is fixed */
    public RateController rateController() {
        return rateController;
    }

    /** @return the current send rate in bit/s */
    public long rateBitsPerSecond() {
        return pacer.rateBitsPerSecond();
    }

    /**
     * A member's loss report, for the adaptive rate.
     *
     * @param nodeId the member
     * @param lossFraction its loss, as the wire carries it
     * @param receiveRateBitsPerSecond what it received
     * @param windowFirstSequence the first sequence number its window covers, or
     *     {@link RateController#UNKNOWN_SEQUENCE}
     * @param nowNs current time
     */
    public void onLossReport(long nodeId, int lossFraction, long receiveRateBitsPerSecond, long windowFirstSequence,
            long nowNs) {
        if (rateController != null) {
            rateController.onReport(nodeId, lossFraction, receiveRateBitsPerSecond, windowFirstSequence, nowNs);
        }
    }

    /**
     * Lets the adaptive rate act on what it heard.
     *
     * @param nowNs current time
     * @param membersKnown members in the session
     */
    public void tickRate(long nowNs, int membersKnown) {
        if (rateController != null && rateController.tick(nowNs, membersKnown, Integer.toUnsignedLong(sequence))) {
            pacer.setRate(rateController.rateBitsPerSecond());
        }
    }

    /**
     * Sends what the pacer allows: retransmissions first, then the pass.
     *
     * @param store the cache entry
     * @param nowNs current time
     * @return true once the pass went over every block and no retransmission is queued
     */
    public boolean pump(BlockFile store, long nowNs) {
        for (int sent = 0; sent < MAX_CHUNKS_PER_TICK; sent++) {
            int next = sender.next(store);
            if (next == BlockSender.WAIT) {
                return false;
            }
            if (next == BlockSender.DONE) {
                return true;
            }
            int wireBytes = DataHeader.IP_UDP_OVERHEAD + DataHeader.LENGTH + sender.length();
            if (!pacer.tryAcquire(nowNs, wireBytes)) {
                return false;
            }
            if (!sender.isRetransmission() && sender.offset() == 0 && sender.block() >= manifestSentUpTo) {
                sendManifest(store, sender.block());
            }
            int flags = sender.isRetransmission() ? DataHeader.FLAG_RETRANSMISSION : 0;
            if (sender.isParity()) {
                flags |= DataHeader.FLAG_PARITY;
            }
            if (!output.sendChunk(store, sender.block(), sender.offset(), sender.length(), sequence, flags)) {
                return false;
            }
            if (sender.isParity()) {
                parity.sent(sender.block());
            }
            sequence++;
            sender.advance();
            if (rateController != null) {
                rateController.onSent(wireBytes);
            }
        }
        return false;
    }

    /**
     * @param store the cache entry
     * @param nowNs current time
     * @param mtu the path MTU
     * @return when {@link #pump} can send again; {@code Long.MAX_VALUE} while the pass waits for
     *     the download (the fetched block wakes the session) or has nothing left to send
     */
    public long sendWakeNs(BlockFile store, long nowNs, int mtu) {
        if (sender.queuedRetransmissions() == 0 && (sender.passDone() || !store.hasBlock(sender.passPosition()))) {
            return Long.MAX_VALUE;
        }
        return nowNs + Math.max(pacer.nanosUntilAvailable(nowNs, mtu), 0);
    }

    /**
     * A member's NAK for the pass's session.
     *
     * @param source the member
     * @param nak its ranges, read up to {@code ranges}
     * @param ranges how many ranges to read (bounded by the caller)
     * @param store the cache entry
     * @param nowNs current time
     * @return false when the member's budget ran out before every range was queued
     */
    public boolean onNak(long source, Nak nak, int ranges, BlockFile store, long nowNs) {
        if (sender == null) {
            return true;
        }
        for (int i = 0; i < ranges; i++) {
            ChunkRange range = nak.getRanges(i);
            int block = range.getBlock();
            if (!store.hasBlock(block)) {
                continue;
            }
            if (nak.getRound()) {
                // Collected for one NAK window, then judged against fresh advertisements. A round
                // that comes after one was judged opens a window of its own (it used to be left
                // unjudged for the rest of the term, its members waiting out their repair delay).
                // (Judged after a tenth of the window instead, SlowReceiverSimulationTest's session
                // rate fell from 45 to 12 Mbit/s.)
                if (roundCandidates == null) {
                    roundCandidates = new BlockBitmap(store.layout().blockCount());
                }
                if (roundEvaluateAtNs == Long.MAX_VALUE) {
                    roundEvaluateAtNs = nowNs + nakIntervalNs;
                }
                roundCandidates.set(block);
            } else {
                long credit = budget.available(source, nowNs);
                if (credit <= 0) {
                    return false;
                }
                int queued = sender.requestRetransmission(block, range.getOffset(),
                        (int) Math.min(Math.max(0, range.getLength()), credit));
                budget.charge(source, (long) queued * chunkSize);
            }
        }
        int requests = Math.min(nak.getParityCount(), MAX_PARITY_REQUESTS);
        for (int i = 0; i < requests; i++) {
            ParityRequest request = nak.getParity(i);
            int block = request.getBlock();
            if (block < 0 || block >= store.layout().blockCount() || !store.hasBlock(block)) {
                continue;
            }
            if (budget.available(source, nowNs) <= 0) {
                return false;
            }
            budget.charge(source, (long) parity.request(sender, block, request.getCount()) * chunkSize);
        }
        return true;
    }

    /**
     * A multicast reaches everyone: spend it only on blocks that at least {@code nakThreshold}
     * members lack, by their advertisements; one agent's gaps, however large, are peer repair's.
     *
     * @param store the cache entry
     * @param directory what peers hold, or null
     * @param nowNs current time
     */
    public void evaluateRound(BlockFile store, PeerDirectory directory, long nowNs) {
        if (sender == null || roundCandidates == null || nowNs - roundEvaluateAtNs < 0) {
            return;
        }
        for (int block = roundCandidates.nextSet(0); block >= 0; block = roundCandidates.nextSet(block + 1)) {
            if (directory != null && directory.lacking(block) >= nakThreshold) {
                sender.requestRetransmission(block, 0, store.layout().lengthOf(block));
            }
        }
        roundCandidates.clearAll();
        roundEvaluateAtNs = Long.MAX_VALUE;
    }

    /** @return when a collected round is judged, {@code Long.MAX_VALUE} when none is */
    public long roundWakeNs() {
        return roundEvaluateAtNs;
    }

    /** Forgets a collected round: the cache entry it indexed was replaced. */
    public void dropRound() {
        roundCandidates = null;
        roundEvaluateAtNs = Long.MAX_VALUE;
    }

    private void sendManifest(BlockFile store, int firstBlock) {
        int last = firstBlock;
        int blockCount = store.layout().blockCount();
        ByteString.Output hashes = ByteString.newOutput(MANIFEST_BLOCKS * BlockHashes.SHA256_LENGTH);
        while (last < blockCount && last - firstBlock < MANIFEST_BLOCKS) {
            byte[] hash = store.presentBlockHash(last);
            if (hash == null) {
                break;
            }
            hashes.write(hash, 0, hash.length);
            last++;
        }
        if (last == firstBlock) {
            return;
        }
        manifestSentUpTo = last;
        output.sendManifest(Manifest.newBuilder().setFirstBlock(firstBlock).setBlockSha256(hashes.toByteString()));
    }
}
