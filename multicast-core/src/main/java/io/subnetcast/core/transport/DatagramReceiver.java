package io.subnetcast.core.transport;

import io.netty.buffer.ByteBuf;

/** Receives datagrams on the transport's event loop. */
@FunctionalInterface
public interface DatagramReceiver {
    /**
     * @param datagram the bytes; valid only during the call, released by the transport
     */
    void onDatagram(ByteBuf datagram);
}
