package io.subnetcast.repair;

import io.subnetcast.core.repair.GapRepairFactory;
import io.subnetcast.core.session.SessionConfig;
import io.subnetcast.core.session.TaskSpec;
import io.subnetcast.core.sim.SimNode;
import io.subnetcast.core.sim.SimOrigin;
import io.subnetcast.core.sim.SimulatedLan;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Starts the agents of one task ("pkg") with peer repair on a simulated subnet. */
final class SimAgents {
    /** The task id every agent started here runs. */
    static final String TASK = "pkg";

    private SimAgents() {
    }

    /**
     * @param lan the LAN; nodes are added to its subnet 0 as n0, n1, ...
     * @param origin the package's origin
     * @param count how many agents
     * @param settings their protocol settings
     * @param repair their gap repair
     * @return the nodes, started
     */
    static List<SimNode> start(SimulatedLan lan, SimOrigin origin, int count, SessionConfig settings,
                               GapRepairFactory repair) {
        return start(lan, origin.sha256(), count, settings, repair);
    }

    /**
     * @param lan the LAN; nodes are added to its subnet 0 as n0, n1, ...
     * @param sha256 the SHA-256 the task expects (another than the origin's for a wrong task)
     * @param count how many agents
     * @param settings their protocol settings
     * @param repair their gap repair
     * @return the nodes, started
     */
    static List<SimNode> start(SimulatedLan lan, byte[] sha256, int count, SessionConfig settings,
                               GapRepairFactory repair) {
        TaskSpec task = new TaskSpec(TASK, URI.create("http://origin.test/pkg"), sha256, 0);
        List<SimNode> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SimNode node = lan.addNode("n" + i, 0);
            node.setRepairFactory(repair);
            node.distribute(task, settings);
            nodes.add(node);
        }
        return nodes;
    }
}
