package io.subnetcast.core.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ElectionTest {
    private static final long MS = 1_000_000L;
    private static final long DISCOVERY = 1000 * MS;
    private static final long JITTER = 200 * MS;
    private static final long WINDOW = 500 * MS;

    private final List<String> events = new ArrayList<>();
    private final Election election = new Election("t", DISCOVERY, JITTER, WINDOW, new SplittableRandom(1),
            new Election.Listener() {
                @Override
                public void sendDiscover() {
                    events.add("discover");
                }

                @Override
                public void sendClaim(Rank mine) {
                    events.add("claim " + mine.nodeId());
                }

                @Override
                public void entered(Election.State state, String reason, long nowNs) {
                    events.add(state + " at " + nowNs / MS + ": " + reason);
                }

                @Override
                public void elected(long nowNs) {
                    events.add("elected at " + nowNs / MS);
                }
            });

    private final Rank mine = new Rank(0, 0, 5);

    @Test
    void aLoneAgentDiscoversClaimsAndWinsAtTheEndOfTheClaimWindow() {
        election.discover(0, "task started");
        assertEquals(List.of("DISCOVERING at 0: task started", "discover"), events);
        assertEquals(DISCOVERY / 2, election.nextWakeNs(), "it asks again halfway");
        election.doWork(DISCOVERY / 2 - 1, mine);
        assertEquals(2, events.size());
        election.doWork(DISCOVERY / 2, mine);
        assertEquals("discover", events.get(2), "a lost question or answer costs no more than the window");
        assertEquals(DISCOVERY, election.nextWakeNs());

        election.doWork(DISCOVERY - 1, mine);
        assertEquals(Election.State.DISCOVERING, election.state());
        events.remove(2);
        election.doWork(DISCOVERY, mine);
        assertEquals(Election.State.CLAIMING, election.state());
        assertEquals("CLAIMING at 1000: no session found", events.get(2));
        long sendAt = election.nextWakeNs();
        assertEquals(true, sendAt >= DISCOVERY && sendAt < DISCOVERY + JITTER, "claim sent within the jitter: " + sendAt);

        election.doWork(sendAt, mine);
        assertEquals("claim 5", events.get(3));
        long againAt = sendAt + (DISCOVERY + WINDOW - sendAt) / 2;
        assertEquals(againAt, election.nextWakeNs(), "unbeaten, it claims again halfway to the verdict");
        election.doWork(againAt, mine);
        assertEquals("claim 5", events.get(4));
        assertEquals(DISCOVERY + WINDOW, election.nextWakeNs(), "after its second claim it waits for the verdict only");
        election.doWork(DISCOVERY + WINDOW - 1, mine);
        assertEquals(5, events.size());
        election.doWork(DISCOVERY + WINDOW, mine);
        assertEquals("elected at 1500", events.get(5));
        assertEquals(Election.State.IDLE, election.state());
        assertEquals(Long.MAX_VALUE, election.nextWakeNs());
    }

    /**
     * A better claimant heard while discovering may have won by the time this agent's own verdict
     * is due, its beacon lost here: this agent does not declare itself elected beside it but asks
     * again (the representative answers questions at once).
     */
    @Test
    void anotherAgentsQuestionSparesTheSecondOne() {
        election.discover(0, "task started");
        election.onDiscoverHeard(DISCOVERY / 4); // the representative's answer to it answers this agent too
        election.doWork(DISCOVERY / 2, mine);
        assertEquals(List.of("DISCOVERING at 0: task started", "discover"), events, "not asked again");
        assertEquals(1, election.questionsSpared());
        election.doWork(DISCOVERY, mine);
        assertEquals(Election.State.CLAIMING, election.state(), "the window is the same");

        // A question heard in an earlier round does not spare the next round's.
        election.onClaim(new Rank(0, 0, 9), DISCOVERY + 1);
        election.doWork(DISCOVERY + WINDOW, mine);
        assertEquals(Election.State.DISCOVERING, election.state());
        events.clear();
        election.doWork(DISCOVERY + WINDOW + DISCOVERY / 2, mine);
        assertEquals(List.of("discover"), events, "asked again halfway through the new round");
    }

    @Test
    void aQuestionHeardOutsideTheWindowSparesNothing() {
        election.onDiscoverHeard(0); // not discovering
        election.discover(MS, "task started");
        election.doWork(MS + DISCOVERY / 2, mine);
        election.onDiscoverHeard(MS + DISCOVERY / 2 + 1); // after the second question was due
        assertEquals(List.of("DISCOVERING at 1: task started", "discover", "discover"), events);
        assertEquals(0, election.questionsSpared());
    }

    @Test
    void aBetterClaimHeardBeforeClaimingStillCountsAtTheVerdict() {
        election.discover(0, "task started");
        election.onClaim(new Rank(0, 0, 9), DISCOVERY - 100 * MS); // better: a higher node id
        election.doWork(DISCOVERY, mine);
        assertEquals(Election.State.CLAIMING, election.state());
        election.doWork(election.nextWakeNs(), mine);
        assertEquals(false, events.contains("claim 5"), "no claim against a better one");
        election.doWork(DISCOVERY + WINDOW, mine); // 600 ms after the better claim: past window and back-off
        assertEquals(false, events.stream().anyMatch(e -> e.startsWith("elected")), String.join("; ", events));
        assertEquals(Election.State.DISCOVERING, election.state());
        assertEquals("DISCOVERING at 1500: a better claimant exists", events.get(events.size() - 1));
        election.doWork(DISCOVERY + WINDOW + DISCOVERY / 2, mine);
        assertEquals("discover", events.get(events.size() - 1), "it asks, and the representative answers at once");
    }

    @Test
    void aHeldClaimWaitsPastTheDeadlineAndComesOnRelease() {
        election.holdClaim();
        election.discover(0, "task started");
        election.doWork(DISCOVERY / 2, mine);
        assertEquals("discover", events.get(2), "it still asks again halfway");
        assertEquals(Long.MAX_VALUE, election.nextWakeNs(), "nothing to do past the deadline while held");
        election.doWork(3 * DISCOVERY, mine);
        assertEquals(Election.State.DISCOVERING, election.state());
        assertEquals(3, events.size(), "no claim while held: " + events);

        election.releaseClaim();
        assertEquals(DISCOVERY, election.nextWakeNs(), "the deadline passed: due at once");
        election.doWork(3 * DISCOVERY, mine);
        assertEquals(Election.State.CLAIMING, election.state());
        assertEquals("CLAIMING at 3000: no session found", events.get(3));
    }

    @Test
    void aClaimReleasedBeforeTheDeadlineComesAtTheDeadline() {
        election.holdClaim();
        election.discover(0, "task started");
        election.releaseClaim();
        election.doWork(DISCOVERY / 2, mine);
        assertEquals(DISCOVERY, election.nextWakeNs());
        election.doWork(DISCOVERY, mine);
        assertEquals(Election.State.CLAIMING, election.state());
    }

    @Test
    void aBetterClaimHeardFirstSuppressesTheClaimAndLosesTheElection() {
        election.claim(0, "representative went silent");
        election.onClaim(new Rank(0, 0, 9), 1);
        election.doWork(JITTER, mine);
        election.doWork(WINDOW, mine);
        assertEquals(List.of("CLAIMING at 0: representative went silent",
                "DISCOVERING at 500: a better claimant exists"), events, "no claim sent, no discovery sent, not elected");
        assertEquals(WINDOW + DISCOVERY / 2, election.nextWakeNs(), "it asks again halfway through its discovery");
        assertEquals(2, election.entries(Election.State.CLAIMING) + election.entries(Election.State.DISCOVERING));
    }

    @Test
    void aBetterClaimTooOldToCountNoLongerWins() {
        // Remembered for a claim window, a back-off and a discovery timeout (its winner's beacon).
        election.onClaim(new Rank(0, 0, 9), 0);
        long again = WINDOW + JITTER + DISCOVERY + 1;
        election.claim(again, "again");
        election.doWork(again + JITTER, mine);
        election.doWork(again + WINDOW, mine);
        assertEquals(List.of("CLAIMING at 1700: again", "claim 5", "elected at 2200"), events);
        assertEquals(Election.State.IDLE, election.state());
    }

    @Test
    void aWeakerClaimDoesNotStopThisAgentFromClaimingAndWinning() {
        election.claim(0, "go");
        election.onClaim(new Rank(0, 0, 2), 1);
        election.doWork(JITTER, mine);
        election.doWork(WINDOW, mine);
        assertEquals(List.of("CLAIMING at 0: go", "claim 5", "elected at 500"), events);
    }

    @Test
    void aBetterClaimHeardAfterTheFirstClaimSuppressesTheSecondAndLoses() {
        election.claim(0, "go");
        election.doWork(JITTER, mine);
        assertEquals("claim 5", events.get(1));
        election.onClaim(new Rank(0, 0, 9), JITTER + 1);
        for (long t = JITTER + MS; t <= WINDOW; t += MS) {
            election.doWork(t, mine);
        }
        assertEquals(List.of("CLAIMING at 0: go", "claim 5", "DISCOVERING at 500: a better claimant exists"), events);
    }

    /**
     * Two claimants where the better one's first claim is lost on the way to the other: the second
     * claim must still reach it, or both declare themselves elected (the failover end-to-end test
     * saw this under 5% loss, and the briefly elected loser fetched from the origin).
     */
    @Test
    void aLostFirstClaimStillLeavesExactlyOneRepresentative() {
        List<String> verdicts = new ArrayList<>();
        Election[] pair = new Election[2];
        int[] claimsFromBetter = {0};
        for (int i = 0; i < 2; i++) {
            int self = i;
            pair[i] = new Election("t" + i, DISCOVERY, JITTER, WINDOW, new SplittableRandom(7 + i), new Election.Listener() {
                @Override
                public void sendDiscover() {
                }

                @Override
                public void sendClaim(Rank rank) {
                    if (self == 0 && claimsFromBetter[0]++ == 0) {
                        return; // the better claimant's first claim is lost
                    }
                    pair[1 - self].onClaim(rank, now[0]);
                }

                @Override
                public void entered(Election.State state, String reason, long nowNs) {
                    verdicts.add(self + " " + state);
                }

                @Override
                public void elected(long nowNs) {
                    verdicts.add(self + " elected");
                }
            });
        }
        Rank[] ranks = {new Rank(0, 0, 9), new Rank(0, 0, 2)};
        pair[0].claim(0, "go");
        pair[1].claim(0, "go");
        for (now[0] = 0; now[0] <= WINDOW; now[0] += MS) {
            pair[0].doWork(now[0], ranks[0]);
            pair[1].doWork(now[0], ranks[1]);
        }
        assertEquals(2, claimsFromBetter[0], "the better claimant claimed twice");
        assertEquals(List.of("0 CLAIMING", "1 CLAIMING", "1 DISCOVERING", "0 elected"), verdicts.stream()
                .sorted((a, b) -> Integer.compare(order(a), order(b))).toList());
    }

    /**
     * A verdict that runs long after its deadline (the process was stalled) finds the better claim
     * it heard aged out, with the better claimant's beacon possibly unread in its socket: it claims
     * again in a fresh window instead of declaring itself elected (four JVMs starting on two cores
     * elected two representatives this way).
     */
    @Test
    void aVerdictRunLateAfterAStallClaimsAgainInAFreshWindowBeforeWinning() {
        election.claim(0, "go");
        election.doWork(JITTER, mine);
        election.onClaim(new Rank(0, 0, 9), JITTER + MS); // better: heard, then the process stalls
        long late = WINDOW + JITTER + WINDOW + DISCOVERY; // the better claim has aged out by now
        election.doWork(late, mine);
        assertEquals(false, events.stream().anyMatch(e -> e.startsWith("elected")), String.join("; ", events));
        assertEquals(Election.State.CLAIMING, election.state());
        assertEquals("CLAIMING at " + late / MS + ": verdict " + (late - WINDOW) / MS + " ms late (stalled); claiming again",
                events.get(events.size() - 1));
        long claimAt = election.nextWakeNs();
        assertEquals(true, claimAt >= late && claimAt < late + JITTER, "a fresh window, a claim after the back-off");
        for (long t = late; t < late + WINDOW; t += MS) {
            election.doWork(t, mine);
        }
        assertEquals(2, events.stream().filter(e -> e.equals("claim 5")).count() - 1, "it claims twice again");
        election.doWork(late + WINDOW, mine);
        assertEquals("elected at " + (late + WINDOW) / MS, events.get(events.size() - 1), "nobody answered: it wins");
    }

    @Test
    void aBetterClaimantHeardInTheFreshWindowWinsOverTheStalledAgent() {
        election.claim(0, "go");
        long late = WINDOW + 300 * MS;
        election.doWork(late, mine);
        assertEquals(Election.State.CLAIMING, election.state());
        election.onClaim(new Rank(0, 0, 9), late + MS); // unread in its socket until now
        election.doWork(late + WINDOW, mine);
        assertEquals(Election.State.DISCOVERING, election.state());
        assertEquals(false, events.stream().anyMatch(e -> e.startsWith("elected")), String.join("; ", events));
    }

    @Test
    void aRoundGrantsOneFreshWindowSoThatAnAlwaysLateAgentStillWins() {
        election.claim(0, "go");
        election.doWork(2 * WINDOW, mine);
        assertEquals(Election.State.CLAIMING, election.state());
        election.doWork(4 * WINDOW, mine);
        assertEquals("elected at " + 4 * WINDOW / MS, events.get(events.size() - 1));
    }

    @Test
    void aVerdictLateByLessThanATwentiethOfTheWindowStillDecides() {
        election.claim(0, "go");
        election.doWork(JITTER, mine);
        election.doWork(WINDOW + WINDOW / 20, mine);
        assertEquals("elected at " + (WINDOW + WINDOW / 20) / MS, events.get(events.size() - 1));
    }

    private final long[] now = {0};

    private static int order(String verdict) {
        return verdict.endsWith("CLAIMING") ? verdict.charAt(0) - '0' : verdict.endsWith("DISCOVERING") ? 2 : 3;
    }

    @Test
    void stoppingEndsTheElectionAndItsTimers() {
        election.discover(0, "start");
        election.stop(10, "found a session");
        election.doWork(10 * DISCOVERY, mine);
        assertEquals(Election.State.IDLE, election.state());
        assertEquals(Long.MAX_VALUE, election.nextWakeNs());
        assertEquals(2, events.size(), "nothing after the stop");
    }

    @Test
    void theStateMachineRefusesAnUndeclaredTransition() {
        // IDLE -> IDLE is not declared: a stop while idle must be a no-op, not a transition.
        election.stop(0, "idle already");
        assertEquals(1, election.entries(Election.State.IDLE));
        assertThrows(IllegalStateException.class, () -> io.subnetcast.core.fsm.StateMachine
                .builder("x", org.slf4j.LoggerFactory.getLogger("x"), Election.State.IDLE).build()
                .to(Election.State.CLAIMING, 0, "no table"));
    }
}
