package io.subnetcast.core.loss;

/** Decides whether a received datagram is dropped before the protocol sees it. */
@FunctionalInterface
public interface LossGenerator {
    /** A generator that never drops. */
    LossGenerator NONE = () -> false;

    /** @return true to drop the next datagram */
    boolean shouldDrop();

    /**
     * A generator that drops each datagram independently with a fixed probability.
     *
     * @param fraction probability in [0, 1)
     * @param seed random seed, for reproducible runs
     * @return the generator
     */
    static LossGenerator random(double fraction, long seed) {
        return new RandomLossGenerator(fraction, seed);
    }
}
