package io.subnetcast.core.clock;

/** The production clock: {@link System#nanoTime()}, which is monotonic and ignores wall-clock jumps. */
enum SystemNanoClock implements NanoClock {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }
}
