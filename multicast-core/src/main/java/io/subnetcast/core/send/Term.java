package io.subnetcast.core.send;

import java.net.InetSocketAddress;

/**
 * Who leads which session in a term.
 *
 * @param taskId the task
 * @param nodeId this agent
 * @param priority the task's priority, announced in beacons
 * @param packageSha256 the package's SHA-256 when the task names it, or null
 * @param sessionId the session this term leads
 * @param epoch the term's epoch
 * @param dataGroup where the pass goes
 */
public record Term(String taskId, long nodeId, int priority, byte[] packageSha256, long sessionId, int epoch,
                   InetSocketAddress dataGroup) {
}
