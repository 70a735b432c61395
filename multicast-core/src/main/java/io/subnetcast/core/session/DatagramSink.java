package io.subnetcast.core.session;

import io.subnetcast.core.wire.DataFrame;
import io.subnetcast.core.wire.proto.Control;

/**
 * What the receive path of a host needs from a session agent: the session its data datagrams carry,
 * the two handlers for what arrives, and a way to fail the task when one of them broke.
 * {@link SessionAgent} is the implementation; the interface exists so that the dispatcher (and its
 * tests) depend on these four methods rather than on the whole agent.
 */
public interface DatagramSink {
    /** @return the session this agent belongs to, 0 before any */
    long sessionId();

    /**
     * Handles a decoded control message of this agent's task.
     *
     * @param message the message; its task id is this agent's
     * @param nowNs current time
     */
    void onControl(Control message, long nowNs);

    /**
     * Handles a data datagram that carries this agent's session id.
     *
     * @param frame the datagram, read in place (the receive path reuses one frame for every
     *     datagram): valid during the call only, and not released by the agent
     * @param nowNs current time
     */
    void onData(DataFrame frame, long nowNs);

    /**
     * Fails the task with a reason, for instance when the transport broke or a handler threw.
     *
     * @param reason one-line reason
     * @param nowNs current time
     */
    void onTransportFailure(String reason, long nowNs);
}
