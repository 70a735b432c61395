/**
 * Scale scenarios on the simulated LAN: many agents on one subnet run the real protocol code, and
 * the runs measure what grows with the group (the election, the control traffic every agent
 * receives, what the representative decodes). {@code HundredAgentsSimulationTest} runs in every
 * build; {@code LargeScale*} only with {@code -Pscale}.
 */
package io.subnetcast.core.scale;
