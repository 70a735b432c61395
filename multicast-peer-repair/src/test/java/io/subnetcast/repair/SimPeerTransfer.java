package io.subnetcast.repair;

import io.netty.buffer.Unpooled;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.cache.BlockLayout;
import io.subnetcast.core.cache.VouchedUnits;
import io.subnetcast.core.cache.BlockHashes;
import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.repair.PeerTransfer;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimulatedLan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Peer transfers on the simulated LAN: a request to {@code sim://node/t/task} is answered from that
 * node's cache entry after a latency and at a rate, in virtual time; {@code http://} goes to the
 * simulated origin. A node marked corrupt serves flipped bytes. With a shared uplink, the transfers
 * one source serves run one after another at the rate, as through one network link; otherwise each
 * transfer gets the whole rate.
 */
final class SimPeerTransfer implements PeerTransfer {
    private final SimulatedLan lan;
    private final long bytesPerSecond;
    private final long latencyNs;
    private final Map<String, Long> uplinkBusyUntilNs;

    SimPeerTransfer(SimulatedLan lan, long bytesPerSecond, long latencyNs) {
        this(lan, bytesPerSecond, latencyNs, false);
    }

    SimPeerTransfer(SimulatedLan lan, long bytesPerSecond, long latencyNs, boolean sharedUplink) {
        this.lan = lan;
        this.bytesPerSecond = bytesPerSecond;
        this.latencyNs = latencyNs;
        this.uplinkBusyUntilNs = sharedUplink ? new HashMap<>() : null;
    }

    /**
     * Makes this the LAN's transfer and returns peer repair over it, as the engine would run it
     * over HTTP.
     *
     * @param transfer the LAN's transfer
     * @param config limits
     * @param seed tie-break seed
     * @return the factory to install on the nodes
     */
    static GapRepairFactory repair(SimPeerTransfer transfer, PeerRepairConfig config, long seed) {
        transfer.lan.setPeerTransfer(transfer);
        return PeerRepair.seeded(config, seed);
    }

    /** When a transfer asked for now ends: after the source's earlier transfers when the uplink is shared. */
    private long doneAtNs(URI source, int length) {
        long startNs = lan.nowNs();
        if (uplinkBusyUntilNs != null) {
            startNs = Math.max(startNs, uplinkBusyUntilNs.getOrDefault(source.getHost(), startNs));
        }
        long endNs = startNs + length * 1_000_000_000L / bytesPerSecond;
        if (uplinkBusyUntilNs != null) {
            uplinkBusyUntilNs.put(source.getHost(), endNs);
        }
        return endNs + latencyNs;
    }

    @Override
    public Cancel fetch(URI source, long offset, int length, BlockFile store, Completion completion) {
        boolean[] cancelled = {false};
        long doneAt = doneAtNs(source, length);
        lan.scheduleInBackground(doneAt, () -> {
            if (cancelled[0]) {
                return;
            }
            if (!source.getScheme().equals("http")) {
                SimNode peer = lan.node(source.getHost());
                if (peer != null && peer.isStalling()) {
                    return; // accepted, never answered: only the requester's timeout ends it
                }
            }
            Outcome outcome;
            byte[] bytes = null;
            if (source.getScheme().equals("http")) {
                bytes = lan.origin().serveRange(offset, length);
                outcome = Outcome.OK;
            } else {
                SimNode node = lan.node(source.getHost());
                String taskId = source.getPath().substring(source.getPath().lastIndexOf('/') + 1);
                BlockFile peerStore = node == null || !node.isUp() || node.agent(taskId) == null ? null
                        : node.agent(taskId).store();
                if (node == null || !node.isUp()) {
                    outcome = Outcome.FAILED;
                } else if (peerStore == null || !peerStore.holdsSpan(offset, offset + length)) {
                    outcome = Outcome.NOT_HELD;
                } else {
                    bytes = new byte[length];
                    try {
                        peerStore.read(offset, ByteBuffer.wrap(bytes));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    if (node.isCorrupt()) {
                        int blockSize = peerStore.layout().blockSize();
                        SimNode.corrupt(bytes, (int) (offset % blockSize));
                    }
                    node.countRepairServed(length);
                    outcome = Outcome.OK;
                }
            }
            if (bytes != null) {
                try {
                    store.writeToMissing(offset, Unpooled.wrappedBuffer(bytes));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            completion.done(outcome, outcome == Outcome.FAILED ? "unreachable" : "", lan.nowNs());
        });
        return () -> cancelled[0] = true;
    }

    @Override
    public Cancel fetchManifest(URI source, int blockCount, ManifestCompletion completion) {
        boolean[] cancelled = {false};
        lan.scheduleInBackground(lan.nowNs() + latencyNs, () -> {
            if (cancelled[0]) {
                return;
            }
            BlockFile peerStore = storeOf(source);
            if (peerStore == null || !peerStore.isComplete() || peerStore.layout().blockCount() != blockCount) {
                completion.done(null, lan.nowNs());
                return;
            }
            byte[] hashes = new byte[blockCount * BlockHashes.SHA256_LENGTH];
            for (int block = 0; block < blockCount; block++) {
                System.arraycopy(peerStore.presentBlockHash(block), 0, hashes, block * BlockHashes.SHA256_LENGTH,
                        BlockHashes.SHA256_LENGTH);
            }
            completion.done(hashes, lan.nowNs());
        });
        return () -> cancelled[0] = true;
    }

    @Override
    public Cancel fetchUnitsHeld(URI source, BlockLayout layout, UnitsHeldCompletion completion) {
        boolean[] cancelled = {false};
        lan.scheduleInBackground(lan.nowNs() + latencyNs, () -> {
            if (cancelled[0]) {
                return;
            }
            BlockFile peerStore = storeOf(source);
            java.nio.file.Path file = peerStore == null ? null : peerStore.vouchedFile();
            VouchedUnits units = null;
            if (file != null) {
                try {
                    units = VouchedUnits.decode(java.nio.file.Files.readAllBytes(file), layout);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            completion.done(units, lan.nowNs());
        });
        return () -> cancelled[0] = true;
    }

    /** @return the cache entry a peer's block server URL names, or null when its node is down or has no such task */
    private BlockFile storeOf(URI source) {
        SimNode node = lan.node(source.getHost());
        String taskId = source.getPath().substring(source.getPath().lastIndexOf('/') + 1);
        return node == null || !node.isUp() || node.agent(taskId) == null ? null : node.agent(taskId).store();
    }
}
