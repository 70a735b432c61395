/**
 * An in-memory LAN with a virtual clock that runs the real protocol code: subnets of nodes, each
 * node running {@link io.subnetcast.core.session.SessionAgent}s over real datagram bytes (encoded
 * and decoded by the production codecs), with seeded loss, duplication, reordering, delay,
 * partitions and crashes, and a simulated HTTP origin that counts the bytes it serves.
 *
 * <p>A node can be frozen two ways: {@link io.subnetcast.core.sim.SimNode#suspend()} drops what
 * reaches it (a VM that is gone for a while), {@link io.subnetcast.core.sim.SimNode#stall} keeps it
 * queued in its socket and handles it late, as a starved JVM does, socket first or timers first.
 *
 * <p>Shipped in multicast-core's test-jar so that peer repair and benchmarks use the same LAN.
 */
package io.subnetcast.core.sim;
