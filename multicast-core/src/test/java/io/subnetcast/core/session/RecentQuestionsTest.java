package io.subnetcast.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RecentQuestionsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void countsTheLastTenToTwentySecondsOnly() {
        RecentQuestions questions = new RecentQuestions();
        assertEquals(0, questions.count(5 * SECOND));
        for (int i = 0; i < 300; i++) {
            questions.heard(5 * SECOND + i * 10_000_000L); // a crowd of 300 within 3 s
        }
        assertEquals(300, questions.count(8 * SECOND));
        assertEquals(300, questions.count(24 * SECOND), "the period before is still counted");
        questions.heard(24 * SECOND);
        assertEquals(301, questions.count(24 * SECOND));
        assertEquals(1, questions.count(26 * SECOND), "the crowd's questions aged out; the latest one is in the period before");
        assertEquals(0, questions.count(60 * SECOND), "a long silence forgets everything");
    }

    @Test
    void aSmallSubnetWhoseAgentsRestartDoesNotAddUpToACrowd() {
        RecentQuestions questions = new RecentQuestions();
        for (int restart = 0; restart < 100; restart++) {
            for (int agent = 0; agent < 20; agent++) {
                questions.heard(restart * 60 * SECOND + agent * SECOND / 10);
            }
        }
        assertEquals(20, questions.count(99 * 60 * SECOND + 5 * SECOND), "not 2,000");
    }
}
