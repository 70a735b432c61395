package io.subnetcast.core.repair;

/** Makes the {@link GapRepair} of one agent's session; installed on the engine by the embedder. */
@FunctionalInterface
public interface GapRepairFactory {
    /**
     * @param context what the repair may see of the session
     * @param transfer how it moves bytes: the engine's HTTP transfer, a simulated one in tests; null
     *     where the agent's port offers none
     * @return a repair for that session, not yet started
     */
    GapRepair create(RepairContext context, PeerTransfer transfer);
}
