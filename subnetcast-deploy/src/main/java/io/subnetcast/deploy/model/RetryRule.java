package io.subnetcast.deploy.model;

import java.time.Duration;

/**
 * How a device retries a failed install of the same version: at most {@code maxTries} tries in
 * all, the second {@code firstBackoff} after the first failed, each wait twice the one before.
 *
 * @param maxTries tries in all, 1 (no retry) to 100
 * @param firstBackoff wait before the second try, 0 to a day
 */
public record RetryRule(int maxTries, Duration firstBackoff) {
    /** Windows: a failed version is not tried again (seed 000). */
    public static final RetryRule NO_RETRY = new RetryRule(1, Duration.ZERO);
    /** macOS and Linux: up to 5 tries, 10 s, 20 s, 40 s and 80 s apart. */
    public static final RetryRule BACKOFF = new RetryRule(5, Duration.ofSeconds(10));

    /** @throws InvalidInputException for tries outside 1-100 or a backoff outside 0 to a day */
    public RetryRule {
        if (maxTries < 1 || maxTries > 100) {
            throw new InvalidInputException("retry tries must be 1-100, not " + maxTries);
        }
        if (firstBackoff == null || firstBackoff.isNegative() || firstBackoff.compareTo(Duration.ofDays(1)) > 0) {
            throw new InvalidInputException("retry backoff must be 0 to 1 day, not " + firstBackoff);
        }
    }

    /** @return the default rule of a platform: no retry on Windows, {@link #BACKOFF} elsewhere */
    public static RetryRule defaultFor(Platform platform) {
        return platform == Platform.WINDOWS ? NO_RETRY : BACKOFF;
    }

    /** @return whether a device that failed {@code failures} times may try again */
    public boolean allowsAnotherTry(int failures) {
        return failures < maxTries;
    }

    /** @return the wait after the {@code failures}-th failure (1-based) before the next try */
    public Duration backoffAfter(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        Duration wait = firstBackoff.multipliedBy(1L << doublings);
        return wait.compareTo(Duration.ofDays(1)) > 0 ? Duration.ofDays(1) : wait;
    }
}
