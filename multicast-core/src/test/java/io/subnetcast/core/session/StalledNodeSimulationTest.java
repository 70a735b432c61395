package io.subnetcast.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimNode.StallResume;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a stalled simulated node ({@link SimNode#stall}) does: it keeps what arrives and handles it late, in order. */
class StalledNodeSimulationTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;
    private SimulatedLan lan;

    @AfterEach
    void close() {
        if (lan != null) {
            lan.close();
        }
    }

    /**
     * A newcomer stalls from its start until long past its discovery deadline; the representative's
     * answer to its question waits in its socket. Resuming socket first, it follows the session
     * without ever claiming; resuming timers first, its overdue discovery deadline makes it claim
     * first, and the beacon read right after makes it follow.
     */
    private List<String> newcomerStalledAtStart(StallResume resume) {
        SimOrigin origin = new SimOrigin(64 * 1024, 1, 10_000_000);
        lan = new SimulatedLan(1, dir.resolve(resume.name()), origin);
        TaskSpec task = SessionSimulationTest.task("t", origin);
        SessionConfig config = SessionSimulationTest.config().build();
        SimNode first = lan.addNode("first", 0);
        SimNode late = lan.addNode("late", 0);
        first.distribute(task, config);
        assertTrue(lan.runUntil(() -> first.agent("t").role() == Role.REPRESENTATIVE, 5 * SECOND));
        late.distribute(task, config); // asks at once: the answer reaches a stalled node
        late.stall(Duration.ofSeconds(1), resume);
        long resumesAt = lan.nowNs() + SECOND;
        lan.runFor(SECOND - MS);
        assertEquals(List.of("DISCOVERING/UNDECIDED"), late.port("t").transitions(), "nothing runs while stalled");
        lan.runFor(2 * MS);
        assertTrue(late.port("t").transitionTimesNs().stream().skip(1).allMatch(t -> t == resumesAt),
                "everything at the resume: " + late.port("t").transitionTimesNs());
        assertEquals(0, late.socketOverflows());
        return late.port("t").transitions().subList(0, 3);
    }

    @Test
    void socketFirstHandlesTheQueuedBeaconBeforeTheOverdueDeadline() {
        assertEquals(List.of("DISCOVERING/UNDECIDED", "WAITING/MEMBER", "WAITING/MEMBER"),
                newcomerStalledAtStart(StallResume.SOCKET_FIRST));
    }

    @Test
    void timersFirstRunsTheOverdueDeadlineBeforeTheQueuedBeacon() {
        assertEquals(List.of("DISCOVERING/UNDECIDED", "CLAIMING/UNDECIDED", "WAITING/MEMBER"),
                newcomerStalledAtStart(StallResume.TIMERS_FIRST));
    }

    /** A member stalled mid-multicast: its socket holds what its buffer can, the rest is lost and repaired. */
    @Test
    void aLongStallDuringTheMulticastOverflowsTheSocketAndRepairFillsTheGap() {
        SimOrigin origin = new SimOrigin(4 * 1024 * 1024, 2, 100_000_000);
        lan = new SimulatedLan(2, dir, origin);
        TaskSpec task = SessionSimulationTest.task("t", origin);
        SessionConfig config = SessionSimulationTest.config().startDelay(Duration.ofSeconds(1)).build();
        SimNode leader = lan.addNode("leader", 0);
        SimNode member = lan.addNode("member", 0);
        leader.distribute(task, config);
        assertTrue(lan.runUntil(() -> leader.agent("t").role() == Role.REPRESENTATIVE, 5 * SECOND));
        member.distribute(task, config);
        assertTrue(lan.runUntil(() -> member.agent("t").state() == AgentState.RECEIVING, 10 * SECOND));
        member.stall(Duration.ofMillis(300), StallResume.SOCKET_FIRST);
        assertTrue(lan.runUntil(() -> member.agent("t").state() == AgentState.COMPLETE, 60 * SECOND),
                member.describe());
        assertTrue(member.socketOverflows() > 0, "50 Mbit/s for 300 ms exceeds a 208 KiB socket buffer");
    }
}
