package io.subnetcast.core.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RetransmissionBudgetTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aSourceSpendsItsBurstThenRefillsAtItsRateUpToTheBurst() {
        RetransmissionBudget budget = new RetransmissionBudget(1000, 500, 4);
        assertEquals(500, budget.available(7, 0));
        budget.charge(7, 500);
        assertEquals(0, budget.available(7, 0));
        assertEquals(100, budget.available(7, SECOND / 10));
        budget.charge(7, 10_000);
        assertEquals(0, budget.available(7, SECOND / 10), "never below zero");
        assertEquals(500, budget.available(7, 100 * SECOND), "a long silence fills the bucket, no more");
        assertEquals(500, budget.available(7, Long.MAX_VALUE), "no overflow");
    }

    @Test
    void sourcesAreIndependentAndTheTableIsBounded() {
        RetransmissionBudget budget = new RetransmissionBudget(1000, 500, 4);
        budget.available(1, 0);
        budget.charge(1, 500);
        assertEquals(500, budget.available(2, 0), "another source has its own budget");
        for (long source = 100; source < 10_100; source++) {
            budget.available(source, 0);
        }
        assertEquals(4, budget.sources());
    }

    @Test
    void nonPositiveSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RetransmissionBudget(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new RetransmissionBudget(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RetransmissionBudget(1, 1, 0));
    }
}
