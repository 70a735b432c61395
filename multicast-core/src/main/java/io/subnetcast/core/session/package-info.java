/**
 * The per-task session protocol as a sans-IO state machine.
 *
 * <p>{@link io.subnetcast.core.session.SessionAgent} is what one agent runs for one task: discovery
 * and election (delegated to {@code election}), then either a term as representative (delegated
 * to {@code send.Representative}: fetch once, count down the start delay, beacon, multicast paced
 * blocks with their manifest, answer retransmission requests; its phases show as the agent's
 * FETCHING, SENDING and COMPLETE) or a member's duties (delegated to the package-private
 * {@code Member}: join the session's data group, write what it hears into the block cache, follow
 * the session's phases, report status and loss, fall back to unicast when the data group is
 * silent, repair through {@code repair.RepairPlanner}). It is fed events (a control message, a data datagram, a fetched
 * block, a timer) with the current time, and acts only through its
 * {@link io.subnetcast.core.session.SessionPort}: the engine binds that port to Netty sockets, the
 * simulated LAN binds it to memory.
 */
package io.subnetcast.core.session;
