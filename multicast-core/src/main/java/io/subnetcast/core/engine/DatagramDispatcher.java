package io.subnetcast.core.engine;

import io.netty.buffer.ByteBuf;
import io.subnetcast.core.auth.AuthCounters;
import io.subnetcast.core.auth.DatagramGuard;
import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.session.DatagramSink;
import io.subnetcast.core.wire.ControlCodec;
import io.subnetcast.core.wire.DataFrame;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.Envelope;
import io.subnetcast.core.wire.proto.Control;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each datagram a host receives to the session agents it is for. The engine and the
 * simulator's {@code SimNode} both receive through this class, so the simulation runs the checks
 * in the order production runs them:
 * <ol>
 *   <li>a sealed datagram is opened in place with the keys of the registered tasks
 *       ({@link DatagramGuard}); one that is forged, replayed or under an unknown key is counted and
 *       dropped;</li>
 *   <li>a control datagram is decoded and goes to the task it names; a data datagram goes to every
 *       task whose agent is in the session the datagram carries and which has joined its data group;</li>
 *   <li>a task sees a datagram only if it came sealed under that task's key, or plain for a task
 *       without a key;</li>
 *   <li>anything else (foreign magic, another version, an unknown type, too short, undecodable, an
 *       unknown task or session) is dropped silently: a subnet carries other traffic, and a decoder
 *       never throws on the receiving thread. Well-formed datagrams of a task or session that no
 *       task here has are counted ({@link #foreignDatagrams()}): a receive socket bound to the
 *       wildcard address (as on Windows) gets the datagrams of every group on its port, and this
 *       is where they are told apart; the group a datagram was sent to is not known here (Netty's
 *       NIO transport reports the socket's own address as the recipient).</li>
 * </ol>
 *
 * <p>Nothing is allocated per datagram here beyond what decoding a control message needs: targets
 * sit in a list scanned by index, and handlers are called directly rather than through a closure.
 * Not thread-safe: the receiving thread owns the dispatcher, as it owns the agents.
 *
 * @param <T> what the host keeps per task
 */
public final class DatagramDispatcher<T extends DatagramDispatcher.Target> {
    private static final Logger LOG = LoggerFactory.getLogger(DatagramDispatcher.class);

    /** One task of the host, as the dispatcher sees it. */
    public interface Target {
        /** @return the task's id, which control messages name */
        String taskId();

        /** @return the task's agent */
        DatagramSink agent();

        /** @return the task's key, or null for a task that takes plain datagrams only */
        SessionKey key();

        /**
         * @return whether the task has joined its data group. Asked because the host receives a
         *     group while any of its tasks has joined it, so a task that left (paused, or now the
         *     representative) would otherwise still be handed the group's data.
         */
        boolean receivesData();
    }

    /** What happens when an agent's handler throws a {@link RuntimeException}. */
    public enum OnFault {
        /** The fault propagates to the caller: the simulator wants it to fail the test at once. */
        RETHROW,
        /**
         * The fault is logged, that agent's task fails with it, and the datagram goes on to the other
         * tasks: in the engine, one event loop runs every task, and one broken task must not stop it.
         */
        CONTINUE
    }

    /** Hears control messages of tasks that have no target here (an engine that holds such a package may serve it). */
    public interface UnknownTaskListener {
        /**
         * @param message a well-formed control message, authentic under a key held here or plain
         * @param nowNs current time
         */
        void onUnknownTask(Control message, long nowNs);
    }

    private final DatagramGuard guard = new DatagramGuard();
    private UnknownTaskListener unknownTask = (message, nowNs) -> { };
    private final OnFault onFault;
    private final Map<String, T> byTaskId = new HashMap<>();
    // Data datagrams go to every task of their session: a list scanned by index needs no iterator.
    private final List<T> targets = new ArrayList<>();
    // One view for every data datagram: the agents read it in place during their call.
    private final DataFrame frame = new DataFrame();
    // Written by the receiving thread only, read by any.
    private volatile long foreign;

    /** @param onFault what a handler's fault does */
    public DatagramDispatcher(OnFault onFault) {
        this.onFault = Objects.requireNonNull(onFault, "onFault");
    }

    /**
     * Starts routing datagrams to a task, and opening datagrams sealed with its key.
     *
     * @param target the task
     * @throws IllegalStateException if a task with this id is registered already
     * @throws IllegalArgumentException if another key with the same key id is in use (see
     *     {@link DatagramGuard#addKey}); nothing is registered then
     */
    public void add(T target) {
        String taskId = target.taskId();
        if (byTaskId.containsKey(taskId)) {
            throw new IllegalStateException("task '" + taskId + "' already receives datagrams here");
        }
        if (target.key() != null) {
            guard.addKey(target.key());
        }
        byTaskId.put(taskId, target);
        targets.add(target);
    }

    /**
     * Stops routing datagrams to a task; its key is forgotten with the last task that used it.
     *
     * @param taskId the task's id
     * @return the task, or null if none was registered under that id
     */
    public T remove(String taskId) {
        T target = byTaskId.remove(taskId);
        if (target != null) {
            targets.remove(target);
            if (target.key() != null) {
                guard.removeKey(target.key());
            }
        }
        return target;
    }

    /** @param listener hears control messages of tasks that have no target here */
    public void onUnknownTask(UnknownTaskListener listener) {
        this.unknownTask = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Opens datagrams sealed with a key although no task of it runs (a package held to be served).
     *
     * @param key the key; {@link #releaseKey} undoes this
     */
    public void holdKey(SessionKey key) {
        guard.addKey(key);
    }

    /** @param key a key given to {@link #holdKey} */
    public void releaseKey(SessionKey key) {
        guard.removeKey(key);
    }

    /**
     * During {@link UnknownTaskListener#onUnknownTask}: whether the message came sealed with
     * {@code key} (or plain, when {@code key} is null).
     */
    public boolean admitsLast(SessionKey key) {
        return guard.admits(key);
    }

    /**
     * @return counts of datagrams dropped for lack of authenticity: forged, replayed, plain ones
     *     addressed to a task with a key, sealed with a key no task here holds
     */
    public AuthCounters authCounters() {
        return guard.counters();
    }

    /**
     * @return well-formed datagrams dropped because no task here has their task (control) or their
     *     session (data): another deployment's or session's traffic on a shared port. Any thread.
     */
    public long foreignDatagrams() {
        return foreign;
    }

    /**
     * Routes one received datagram.
     *
     * @param datagram the bytes from the reader index; a sealed one is opened (and decrypted) in
     *     place, so the caller must own them. Not released here.
     * @param nowNs current time, handed to the agents
     * @throws RuntimeException a handler's fault, under {@link OnFault#RETHROW} only
     */
    public void dispatch(ByteBuf datagram, long nowNs) {
        // Opened before anything reads it: from then on the datagram reads as the plain one inside.
        if (guard.open(datagram) == DatagramGuard.Verdict.DROPPED) {
            return;
        }
        switch (Envelope.classify(datagram)) {
            case CONTROL -> dispatchControl(datagram, nowNs);
            case DATA -> dispatchData(datagram, nowNs);
            default -> {
                // not ours, or a seal inside a seal: dropped
            }
        }
    }

    private void dispatchControl(ByteBuf datagram, long nowNs) {
        Control message = ControlCodec.decode(datagram); // null when malformed
        T target = message == null ? null : byTaskId.get(message.getTaskId());
        if (target == null) {
            if (message != null) {
                foreign++; // the receiving thread is the only writer
                unknownTask.onUnknownTask(message, nowNs);
            }
            return;
        }
        if (!guard.admits(target.key())) {
            return;
        }
        try {
            target.agent().onControl(message, nowNs);
        } catch (RuntimeException e) {
            fault(target, e, nowNs);
        }
    }

    private void dispatchData(ByteBuf datagram, long nowNs) {
        if (datagram.readableBytes() < DataHeader.LENGTH) {
            return;
        }
        long sessionId = DataHeader.sessionId(datagram);
        boolean known = false;
        for (int i = 0; i < targets.size(); i++) {
            T target = targets.get(i);
            if (target.agent().sessionId() != sessionId) {
                continue;
            }
            known = true;
            // The key is checked last: the guard counts a refusal only for a datagram the task would
            // otherwise have taken.
            if (target.receivesData() && guard.admits(target.key())) {
                try {
                    target.agent().onData(frame.wrap(datagram), nowNs);
                } catch (RuntimeException e) {
                    fault(target, e, nowNs);
                }
            }
        }
        if (!known) {
            foreign++;
        }
    }

    private void fault(T target, RuntimeException e, long nowNs) {
        if (onFault == OnFault.RETHROW) {
            throw e;
        }
        LOG.error("task {}: internal error, the task fails", target.taskId(), e);
        target.agent().onTransportFailure("internal error: " + e, nowNs);
    }
}
