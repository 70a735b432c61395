/**
 * Netty adapters at the edge: UDP multicast on the interface the embedder names, and the choice of
 * that interface. Nothing here knows the protocol; datagrams go to a
 * {@link io.subnetcast.core.transport.DatagramReceiver} on the engine's event loop.
 * {@link io.subnetcast.core.transport.EventLoops} chooses between epoll and NIO for every socket
 * of the library, the HTTP fetcher's and the file server's included.
 */
package io.subnetcast.core.transport;
