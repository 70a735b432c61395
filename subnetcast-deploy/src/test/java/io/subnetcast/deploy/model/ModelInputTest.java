package io.subnetcast.deploy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ModelInputTest {
    private static final String SHA = "a".repeat(64);

    @Test
    void versionsOrderByNumbersThenPreRelease() {
        assertTrue(Version.parse("2.10").isNewerThan(Version.parse("2.9.9")));
        assertEquals(0, Version.parse("2.4").compareTo(Version.parse("2.4.0")));
        assertTrue(Version.parse("3.0.0").isNewerThan(Version.parse("3.0.0-rc.2")));
        assertTrue(Version.parse("3.0.0-rc.2").isNewerThan(Version.parse("3.0.0-rc.1")));
        assertTrue(Version.parse("10.0.19045.3693").isNewerThan(Version.parse("10.0.19045.3692")));
        for (String bad : new String[] {"", "v1", "1..2", "1.2.3.4.5", "1.2-", "1.2-rc 1", "1234567890", "1.2\n"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Version.parse(bad), bad);
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }

    @Test
    void artifactSpecsParseAndBadOnesSayWhatIsExpected() {
        Artifact a = Artifact.parse("Windows=http://origin.example/app-2.msi#" + SHA.toUpperCase());
        assertEquals(Platform.WINDOWS, a.platform());
        assertEquals("http://origin.example/app-2.msi", a.url().toString());
        assertEquals(SHA, a.sha256());
        Artifact withFragment = Artifact.parse("linux=https://h/p#frag#" + SHA);
        assertEquals("https://h/p#frag", withFragment.url().toString());
        Artifact m = a.withManifest("windows=http://origin.example/app-2.manifest#" + "b".repeat(64));
        assertEquals("b".repeat(64), m.manifestSha256());
        assertThrows(InvalidInputException.class, () -> a.withManifest("macos=http://h/m#" + SHA));
        for (String bad : new String[] {"windows", "windows=http://h/x", "beos=http://h/x#" + SHA,
            "windows=ftp://h/x#" + SHA, "windows=http:///x#" + SHA, "windows=http://u:p@h/x#" + SHA,
            "windows=http://h/x#abc", "windows=#" + SHA, "windows=http://h/" + "x".repeat(3000) + "#" + SHA}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Artifact.parse(bad), bad);
            assertTrue(e.getMessage().length() < 300, e.getMessage());
        }
    }

    @Test
    void wavesParseCumulativeAndRefuseWhatCannotBeMeant() {
        List<Wave> waves = Wave.parseList("1%@+0s,5%@+1h, 20%@+1d,100%@+7d");
        assertEquals(4, waves.size());
        assertEquals(Duration.ofDays(1), waves.get(2).after());
        assertEquals(Duration.ofMillis(1500), Wave.parseList("100%@+1500ms").get(0).after());
        for (String bad : new String[] {"", "50%", "50%@1d", "50%@+1d", "50%@+1d,40%@+2d,100%@+3d",
            "50%@+2d,100%@+1d", "0%@+0s,100%@+1d", "101%@+0s", "100%@+400d", "100%@+1w"}) {
            assertThrows(InvalidInputException.class, () -> Wave.parseList(bad), bad);
        }
    }

    @Test
    void planChecksPilotSizeNamesAndGate() {
        Set<String> hundredOne = Set.copyOf(IntStream.range(0, 101).mapToObj(i -> "d" + i).toList());
        List<Wave> all = List.of(new Wave(100, Duration.ZERO));
        assertThrows(InvalidInputException.class, () -> new RolloutPlan(hundredOne, all, 0, null, null));
        assertThrows(InvalidInputException.class, () -> new RolloutPlan(Set.of("../etc"), all, 0, null, null));
        assertThrows(InvalidInputException.class, () -> new RolloutPlan(Set.of(), all, 101, null, null));
        assertThrows(InvalidInputException.class, () -> new HaltRule(0, 5));
        RolloutPlan plan = RolloutPlan.everyoneNow();
        assertEquals(RetryRule.NO_RETRY, plan.retryFor(Platform.WINDOWS));
        assertEquals(RetryRule.BACKOFF, plan.retryFor(Platform.MACOS));
        assertEquals(RetryRule.BACKOFF, plan.retryFor(Platform.LINUX));
    }

    @Test
    void retryRulesFollowTheSeed() {
        assertFalse(RetryRule.defaultFor(Platform.WINDOWS).allowsAnotherTry(1));
        RetryRule mac = RetryRule.defaultFor(Platform.MACOS);
        assertTrue(mac.allowsAnotherTry(4));
        assertFalse(mac.allowsAnotherTry(5));
        assertEquals(Duration.ofSeconds(10), mac.backoffAfter(1));
        assertEquals(Duration.ofSeconds(80), mac.backoffAfter(4));
        assertEquals(Duration.ofDays(1), new RetryRule(100, Duration.ofHours(1)).backoffAfter(60));
    }

    @Test
    void namesAreBoundedAndPrintable() {
        assertEquals("device-7.lab_2", Inputs.name("device id", "device-7.lab_2"));
        for (String bad : new String[] {"", "-x", ".hidden", "a/b", "a b", "x".repeat(65), "é"}) {
            assertThrows(InvalidInputException.class, () -> Inputs.name("device id", bad), bad);
        }
        assertEquals("a?b", Inputs.printable("a\nb"));
        assertEquals(83, Inputs.printable("x".repeat(500)).length());
    }
}
