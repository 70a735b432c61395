package io.subnetcast.core.transport;

import io.netty.buffer.ByteBuf;

/** Receives datagrams on the transport's event loop. */
@FunctionalInterface
public interface DatagramReceiver {
    /**
     * @param datagram the bytes; valid only during the call, released by the transport
     */
    void onDatagram(ByteBuf datagram);

    /**
     * The socket has no more datagrams waiting for now: work that need not follow every datagram
     * (timers, sending, progress) can run once for the whole burst.
     */
    default void onReadComplete() {
    }
}
