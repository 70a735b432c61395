package io.subnetcast.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.subnetcast.core.auth.AuthCounter;
import io.subnetcast.core.auth.DatagramSealer;
import io.subnetcast.core.auth.SessionKey;
import io.subnetcast.core.engine.DatagramDispatcher.OnFault;
import io.subnetcast.core.session.DatagramSink;
import io.subnetcast.core.wire.ControlCodec;
import io.subnetcast.core.wire.DataFrame;
import io.subnetcast.core.wire.DataHeader;
import io.subnetcast.core.wire.Envelope;
import io.subnetcast.core.wire.proto.Control;
import io.subnetcast.core.wire.proto.Discover;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatagramDispatcherTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final SessionKey KEY = SessionKey.of(filled(32, 1));
    private static final SessionKey OTHER_KEY = SessionKey.of(filled(32, 2));
    private static final long NOW = 42_000_000L;

    /** A task whose agent records what reached it. */
    private static final class Task implements DatagramDispatcher.Target, DatagramSink {
        final String taskId;
        final long sessionId;
        final SessionKey key;
        boolean joined = true;
        RuntimeException fault;
        final List<String> taskIdsOfControl = new ArrayList<>();
        final List<Long> sessionIdsOfData = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        String failure;

        Task(String taskId, long sessionId, SessionKey key) {
            this.taskId = taskId;
            this.sessionId = sessionId;
            this.key = key;
        }

        int received() {
            return taskIdsOfControl.size() + sessionIdsOfData.size();
        }

        @Override
        public String taskId() {
            return taskId;
        }

        @Override
        public DatagramSink agent() {
            return this;
        }

        @Override
        public SessionKey key() {
            return key;
        }

        @Override
        public boolean receivesData() {
            return joined;
        }

        @Override
        public long sessionId() {
            return sessionId;
        }

        @Override
        public void onControl(Control message, long nowNs) {
            taskIdsOfControl.add(message.getTaskId());
            times.add(nowNs);
            if (fault != null) {
                throw fault;
            }
        }

        @Override
        public void onData(DataFrame frame, long nowNs) {
            sessionIdsOfData.add(frame.sessionId());
            times.add(nowNs);
            if (fault != null) {
                throw fault;
            }
        }

        @Override
        public void onTransportFailure(String reason, long nowNs) {
            failure = reason;
        }
    }

    private final DatagramDispatcher<Task> dispatcher = new DatagramDispatcher<>(OnFault.CONTINUE);

    @Test
    void controlGoesToTheTaskItNamesOnly() {
        Task a = add(new Task("a", 7, null));
        Task b = add(new Task("b", 7, null));

        dispatch(control("b"));

        assertEquals(List.of(), a.taskIdsOfControl);
        assertEquals(List.of("b"), b.taskIdsOfControl);
        assertEquals(List.of(NOW), b.times);
    }

    @Test
    void dataGoesToEveryTaskOfItsSessionThatJoinedTheDataGroup() {
        Task first = add(new Task("first", 7, null));
        Task second = add(new Task("second", 7, null));
        Task left = add(new Task("left", 7, null));
        left.joined = false; // paused: the host may still receive the group for the other two
        Task otherSession = add(new Task("other", 9, null));

        dispatch(data(7));

        assertEquals(List.of(7L), first.sessionIdsOfData);
        assertEquals(List.of(7L), second.sessionIdsOfData);
        assertEquals(0, left.received());
        assertEquals(0, otherSession.received());
    }

    @Test
    void foreignAndMalformedDatagramsReachNoTask() {
        Task task = add(new Task("a", 7, null));
        ByteBuf foreignMagic = data(7);
        foreignMagic.setShort(0, 0x4242);
        ByteBuf otherVersion = data(7);
        otherVersion.setByte(2, Envelope.VERSION + 1);
        ByteBuf unknownType = data(7);
        unknownType.setByte(3, 9);
        ByteBuf shortHeader = data(7);
        shortHeader.writerIndex(DataHeader.LENGTH - 1);
        ByteBuf garbageControl = Unpooled.buffer();
        Envelope.write(garbageControl, Envelope.TYPE_CONTROL);
        garbageControl.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});

        for (ByteBuf datagram : List.of(Unpooled.wrappedBuffer(new byte[] {0x53, 0x43, 1}), foreignMagic, otherVersion,
                unknownType, shortHeader, garbageControl, control("unknown-task"), data(8))) {
            dispatch(datagram);
        }

        assertEquals(0, task.received());
        assertNull(task.failure);
        // Only the well-formed ones of another task or session count as foreign (a wildcard-bound
        // socket's share of other deployments); the malformed are dropped uncounted.
        assertEquals(2, dispatcher.foreignDatagrams());
    }

    @Test
    void dataOfAKnownSessionIsNotForeignEvenForATaskThatLeftItsGroup() {
        Task left = add(new Task("left", 7, null));
        left.joined = false;
        dispatch(data(7));
        dispatch(control("left"));
        assertEquals(0, dispatcher.foreignDatagrams());
        assertEquals(List.of("left"), left.taskIdsOfControl);
    }

    @Test
    void controlOfATaskWithoutTargetGoesToTheUnknownTaskListenerWhichCanTellTheKeyItCameUnder() {
        add(new Task("known", 7, null));
        List<String> unknown = new java.util.ArrayList<>();
        List<Boolean> sealedWithKey = new java.util.ArrayList<>();
        dispatcher.onUnknownTask((message, nowNs) -> {
            unknown.add(message.getTaskId());
            sealedWithKey.add(dispatcher.admitsLast(KEY));
        });

        dispatch(control("known"));
        dispatch(control("held"));
        assertEquals(List.of("held"), unknown, "a known task's control is its own");
        assertEquals(List.of(false), sealedWithKey, "a plain datagram is not under the key");

        dispatch(new DatagramSealer(KEY, false).seal(ALLOC, control("held")));
        assertEquals(List.of("held"), unknown, "sealed under a key nobody holds: not even opened");
        dispatcher.holdKey(KEY);
        dispatch(new DatagramSealer(KEY, false).seal(ALLOC, control("held")));
        assertEquals(List.of("held", "held"), unknown);
        assertEquals(List.of(false, true), sealedWithKey);
        dispatcher.releaseKey(KEY);
        dispatch(new DatagramSealer(KEY, false).seal(ALLOC, control("held")));
        assertEquals(2, unknown.size(), "a released key opens nothing");
    }

    @Test
    void aTaskWithAKeyTakesOnlyWhatWasSealedWithItAndAPlainTaskOnlyPlainDatagrams() {
        Task keyed = add(new Task("keyed", 7, KEY));
        Task plain = add(new Task("plain", 7, null));

        dispatch(data(7));
        assertEquals(0, keyed.received());
        assertEquals(1, plain.received());
        assertEquals(1, dispatcher.authCounters().get(AuthCounter.UNAUTHENTICATED));

        dispatch(new DatagramSealer(KEY, true).seal(ALLOC, data(7)));
        dispatch(new DatagramSealer(KEY, false).seal(ALLOC, control("keyed")));
        assertEquals(List.of(7L), keyed.sessionIdsOfData);
        assertEquals(List.of("keyed"), keyed.taskIdsOfControl);
        assertEquals(1, plain.received());

        dispatch(new DatagramSealer(OTHER_KEY, true).seal(ALLOC, data(7)));
        assertEquals(2, keyed.received());
        assertEquals(1, dispatcher.authCounters().get(AuthCounter.UNKNOWN_KEY));
    }

    @Test
    void underRethrowAFaultReachesTheCaller() {
        DatagramDispatcher<Task> rethrowing = new DatagramDispatcher<>(OnFault.RETHROW);
        Task task = new Task("a", 7, null);
        task.fault = new IllegalStateException("broken agent");
        rethrowing.add(task);

        ByteBuf datagram = data(7);
        try {
            assertSame(task.fault, assertThrows(IllegalStateException.class, () -> rethrowing.dispatch(datagram, NOW)));
        } finally {
            datagram.release();
        }
        assertNull(task.failure);
    }

    @Test
    void underContinueAFaultFailsItsTaskOnlyAndTheOthersStillReceive() {
        Task broken = add(new Task("broken", 7, null));
        broken.fault = new IllegalStateException("broken agent");
        Task healthy = add(new Task("healthy", 7, null));

        dispatch(data(7));
        dispatch(control("broken"));

        assertEquals(List.of(7L), healthy.sessionIdsOfData);
        assertTrue(broken.failure.startsWith("internal error: ") && broken.failure.contains("broken agent"),
                broken.failure);
        assertEquals(List.of(7L), broken.sessionIdsOfData);
        assertEquals(List.of("broken"), broken.taskIdsOfControl);
    }

    @Test
    void aRemovedTaskReceivesNothingAndItsKeyIsForgotten() {
        Task keyed = add(new Task("keyed", 7, KEY));
        assertThrows(IllegalStateException.class, () -> dispatcher.add(new Task("keyed", 8, null)));
        assertSame(keyed, dispatcher.remove("keyed"));
        assertNull(dispatcher.remove("keyed"));

        dispatch(new DatagramSealer(KEY, true).seal(ALLOC, data(7)));
        dispatch(control("keyed"));

        assertEquals(0, keyed.received());
        assertEquals(1, dispatcher.authCounters().get(AuthCounter.UNKNOWN_KEY));
    }

    private Task add(Task task) {
        dispatcher.add(task);
        return task;
    }

    private void dispatch(ByteBuf datagram) {
        try {
            dispatcher.dispatch(datagram, NOW);
        } finally {
            datagram.release();
        }
    }

    private static ByteBuf control(String taskId) {
        return ControlCodec.encode(ALLOC, Control.newBuilder().setTaskId(taskId).setNodeId(1)
                .setDiscover(Discover.getDefaultInstance()).build());
    }

    private static ByteBuf data(long sessionId) {
        ByteBuf datagram = ALLOC.buffer(DataHeader.LENGTH + 4);
        DataHeader.write(datagram, 0, 4, sessionId, 1, 0, 0, 0);
        return datagram.writeInt(0x01020304);
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
