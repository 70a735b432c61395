package io.subnetcast.core.repair;

/** A gap repair that does nothing, for tests that only watch what drives it or what it is given. */
public final class IdleGapRepair implements GapRepair {
    /** Creates one. */
    public IdleGapRepair() {
    }

    @Override
    public void start(long nowNs) {
    }

    @Override
    public void doWork(long nowNs) {
    }

    @Override
    public long nextWakeNs(long nowNs) {
        return Long.MAX_VALUE;
    }

    @Override
    public void stop() {
    }

    @Override
    public long bytesFromPeers() {
        return 0;
    }

    @Override
    public long bytesFromOrigin() {
        return 0;
    }
}
