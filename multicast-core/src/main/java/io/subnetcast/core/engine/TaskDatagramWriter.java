package io.subnetcast.core.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.subnetcast.core.auth.DatagramSealer;
import io.subnetcast.core.auth.SealedHeader;
import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.cache.BlockFile;
import io.subnetcast.core.fec.ParityWriter;
import io.subnetcast.core.transport.MulticastTransport;
import io.subnetcast.core.wire.ControlCodec;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.proto.Control;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Writes one task's datagrams to the engine's transport: control messages to the control group,
 * and data chunks, read from the task's cache entry, to the session's data group; each sealed
 * under the task's key when it has one. Runs on the engine thread.
 */
final class TaskDatagramWriter {
    private final MulticastTransport transport;
    private final InetSocketAddress controlGroup;
    /**
     * Seal the datagrams of a task with a key; null for a task without one. Control and data have a
     * sealer (a sender id and sequence) each: they arrive on different sockets, so a receiver may
     * take a burst of data before a control datagram sent earlier, and one sequence across both
     * would push that control datagram out of the replay window.
     */
    private final DatagramSealer controlSealer;
    private final DatagramSealer sealer;
    // The block the sender is reading chunks from, read once per block rather than once per chunk.
    private ByteBuffer sendBlock;
    private int sendBlockIndex = -1;
    private BlockFile sendBlockStore;
    private final ParityWriter parity = new ParityWriter();

    /**
     * @param key the task's key, or null to send plain datagrams
     * @param encrypt with a key: whether datagram bodies are encrypted too
     * @param transport the engine's sockets
     * @param controlGroup where control messages go
     */
    TaskDatagramWriter(SessionKey key, boolean encrypt, MulticastTransport transport, InetSocketAddress controlGroup) {
        this.transport = transport;
        this.controlGroup = controlGroup;
        this.controlSealer = key == null ? null : new DatagramSealer(key, encrypt);
        this.sealer = key == null ? null : new DatagramSealer(key, encrypt);
    }

    /** @return bytes a seal adds to every datagram: 0 without a key */
    int overhead() {
        return sealer == null ? 0 : SealedHeader.OVERHEAD;
    }

    /** @param message multicast to the control group */
    void sendControl(Control message) {
        ByteBuf datagram = ControlCodec.encode(PooledByteBufAllocator.DEFAULT, message);
        if (controlSealer != null) {
            datagram = controlSealer.seal(PooledByteBufAllocator.DEFAULT, datagram);
        }
        transport.write(datagram, controlGroup);
    }

    /**
     * Sends one chunk of a block, or one parity chunk of it ({@link DataHeader#FLAG_PARITY}), its
     * data header first.
     *
     * @param group the session's data group
     * @return false if the transport cannot take it now (it is flushed then)
     * @throws IOException if the block cannot be read from the cache entry
     */
    boolean sendChunk(BlockFile store, InetSocketAddress group, long sessionId, int epoch, int block, int offsetInBlock,
                      int length, int sequence, int flags) throws IOException {
        if (!transport.isWritable()) {
            transport.flush();
            return false;
        }
        ByteBuffer blockBytes = blockForSending(store, block);
        ByteBuf datagram = PooledByteBufAllocator.DEFAULT.directBuffer(overhead() + DataHeader.LENGTH + length);
        try {
            int sealedStart = sealer == null ? -1 : sealer.begin(datagram);
            DataHeader.write(datagram, flags, length, sessionId, epoch, block, offsetInBlock, sequence);
            if ((flags & DataHeader.FLAG_PARITY) != 0) {
                int at = datagram.writerIndex();
                parity.write(blockBytes, store.layout().lengthOf(block), length, offsetInBlock,
                        datagram.nioBuffer(at, length));
                datagram.writerIndex(at + length);
            } else {
                datagram.writeBytes(blockBytes.duplicate().position(offsetInBlock).limit(offsetInBlock + length));
            }
            if (sealer != null) {
                sealer.finish(datagram, sealedStart); // in place: no second buffer, no copy
            }
        } catch (RuntimeException e) {
            datagram.release();
            throw e;
        }
        transport.write(datagram, group);
        return true;
    }

    private ByteBuffer blockForSending(BlockFile store, int block) throws IOException {
        if (sendBlock == null || sendBlock.capacity() < store.layout().blockSize()) {
            sendBlock = ByteBuffer.allocateDirect(store.layout().blockSize());
            sendBlockIndex = -1;
        }
        if (block != sendBlockIndex || store != sendBlockStore) {
            sendBlock.clear().limit(store.layout().lengthOf(block));
            store.read(store.layout().offsetOf(block), sendBlock);
            sendBlock.clear();
            sendBlockIndex = block;
            sendBlockStore = store;
        }
        return sendBlock;
    }
}
