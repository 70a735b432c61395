package io.subnetcast.core.loss;

import io.netty.buffer.ByteBuf;
import io.subnetcast.core.wire.Envelope;

/** Decides whether a received datagram is dropped before the protocol sees it. */
@FunctionalInterface
public interface LossGenerator {
    /** A generator that never drops. */
    LossGenerator NONE = () -> false;

    /** @return true to drop the next datagram */
    boolean shouldDrop();

    /**
     * Decides on one datagram; generators that care what it is (data or control) override this.
     *
     * @param datagram the received datagram from its reader index; neither consumed nor released
     * @return true to drop it
     */
    default boolean shouldDrop(ByteBuf datagram) {
        return shouldDrop();
    }

    /**
     * Drops every data datagram and no control datagram: a subnet whose switch prunes the data
     * group (IGMP snooping) or whose Wi-Fi drops multicast data, while beacons still arrive.
     *
     * @return the generator
     */
    static LossGenerator dataGroupBlocked() {
        return new LossGenerator() {
            @Override
            public boolean shouldDrop() {
                return false; // a datagram of unknown kind is let through
            }

            @Override
            public boolean shouldDrop(ByteBuf datagram) {
                return Envelope.classify(datagram) == Envelope.Kind.DATA;
            }
        };
    }

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
