package io.subnetcast.core.loss;

import java.util.SplittableRandom;

/** Drops each datagram independently with a fixed probability, from a seeded source. */
final class RandomLossGenerator implements LossGenerator {
    private final double fraction;
    private final SplittableRandom random;

    RandomLossGenerator(double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("loss fraction must be at least 0 and below 1: " + fraction);
        }
        this.fraction = fraction;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public boolean shouldDrop() {
        return fraction > 0 && random.nextDouble() < fraction;
    }
}
