/**
 * The per-task session protocol as a sans-IO state machine.
 *
 * <p>{@link io.subnetcast.core.session.SessionAgent} is what one agent runs for one task, and is a
 * facade: it checks what arrives and hands it to the part that owns it.
 * <ul>
 *   <li>{@code ControlIntake} routes a control message to its part after the checks every part
 *       shares (our own datagram, the end, the trusted manifest, the session followed).</li>
 *   <li>{@code Leadership} decides whom the agent follows: it runs {@code election.Election} and
 *       {@code election.Succession}, starts a term as {@code send.Representative} when elected
 *       (fetch once, count down the start delay, beacon, multicast paced blocks with their
 *       manifest, answer retransmission requests; its phases show as the agent's FETCHING, SENDING
 *       and COMPLETE), steps down, and follows a beacon.</li>
 *   <li>{@code Member} carries a member's duties: join the session's data group, write what it
 *       hears into the block cache, follow the session's phases, report status and loss, fall back
 *       to unicast when the data group is silent, repair through {@code repair.RepairPlanner}.</li>
 *   <li>{@code Completion} opens the cache entry, publishes, recovers from the origin after a
 *       SHA-256 mismatch, and lingers; {@code HaveExchange} advertises what the agent holds and
 *       keeps what its peers advertise.</li>
 *   <li>{@code AgentContext} is what they share (the public state and its one transition, the
 *       session's identity, the cache entry, the local pause); {@code AgentHost} is the agent as
 *       repair, the term and the member see it.</li>
 * </ul>
 * It is fed events (a control message, a data datagram, a fetched block, a timer) with the current
 * time, and acts only through its {@link io.subnetcast.core.session.SessionPort}: the engine binds
 * that port to Netty sockets, the simulated LAN binds it to memory.
 */
package io.subnetcast.core.session;
