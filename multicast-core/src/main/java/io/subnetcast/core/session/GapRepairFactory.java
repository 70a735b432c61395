package io.subnetcast.core.session;

/** Makes the {@link GapRepair} of one agent's session; installed on the engine by the embedder. */
@FunctionalInterface
public interface GapRepairFactory {
    /**
     * @param context what the repair may use
     * @return a repair for that session, not yet started
     */
    GapRepair create(RepairContext context);
}
