/**
 * The per-task session protocol as a sans-IO state machine.
 *
 * <p>{@link io.subnetcast.core.session.SessionAgent} is what one agent runs for one task: discovery
 * and election (delegated to {@code election}), then either the representative's duties (fetch
 * once, count down the start delay, beacon, multicast paced blocks with their manifest through
 * {@code send.PassSender}, answer retransmission requests) or a member's (join the session's data
 * group, write what it hears into the block cache, report status, repair through
 * {@code repair.RepairPlanner}). It is fed events (a control message, a data datagram, a fetched
 * block, a timer) with the current time, and acts only through its
 * {@link io.subnetcast.core.session.SessionPort}: the engine binds that port to Netty sockets, the
 * simulated LAN binds it to memory.
 */
package io.subnetcast.core.session;
