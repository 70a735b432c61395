package io.subnetcast.core.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SuccessionTest {
    private static final long S = 1_000_000_000L;
    private final Succession succession = new Succession(S / 2, 2 * S);

    @Test
    void aClaimRaisesTheEpochSeenByAtMostOneTerm() {
        succession.onClaim(7, 99, 0);
        assertEquals(0, succession.highestEpochSeen(), "a claim far ahead is not believed");
        succession.onClaim(7, 1, 0);
        assertEquals(1, succession.highestEpochSeen());
        assertEquals(2, succession.startOwnTerm(10));
        assertEquals(2, succession.highestEpochSeen());
        succession.onFollowed(5, true, 20);
        assertEquals(5, succession.highestEpochSeen(), "a followed term counts whatever its epoch");
        succession.onFollowed(3, false, 30);
        assertEquals(5, succession.highestEpochSeen());
    }

    @Test
    void aRivalIsBelievedAfterItsClaimOrAfterPersistingNotOnItsFirstBeacon() {
        succession.onFollowed(4, true, 0);
        assertFalse(succession.justifiesHandover(9, 99, 4, 10 * S), "a made-up epoch out of nowhere");
        succession.onClaim(8, 4, 10 * S);
        assertTrue(succession.justifiesHandover(8, 5, 4, 10 * S + S), "claimed, one term ahead");
        assertFalse(succession.justifiesHandover(8, 6, 4, 10 * S + S), "claimed, but two terms ahead");
        assertTrue(succession.justifiesHandover(8, 6, 4, 10 * S + 3 * S), "its beacons persisted 2 s");
    }

    @Test
    void aFirstRepresentativeWaitsTheStartDelayASuccessorWhatWasLeftOfIt() {
        assertEquals(60 * S, succession.startDelayForNewTerm(60 * S, S / 2, 0, 0));
        succession.onFollowed(1, true, 0);
        assertEquals(40 * S, succession.startDelayForNewTerm(60 * S, S / 2, 45 * S, 5 * S));
        assertEquals(S / 2, succession.startDelayForNewTerm(60 * S, S / 2, 3 * S, 5 * S), "at least a beacon interval");
    }

    @Test
    void leadersOrderByEpochThenPriorityThenNodeId() {
        assertTrue(new Leader(2, 0, 1).beats(new Leader(1, 9, 9)));
        assertTrue(new Leader(1, 5, 1).beats(new Leader(1, 4, 9)));
        assertTrue(new Leader(1, 5, 9).beats(new Leader(1, 5, 1)));
        assertFalse(new Leader(1, 5, 9).beats(new Leader(1, 5, 9)), "not against itself");
        assertTrue(new Leader(-1, 0, 0).beats(new Leader(1, 0, 0)), "epochs compare unsigned");
    }
}
