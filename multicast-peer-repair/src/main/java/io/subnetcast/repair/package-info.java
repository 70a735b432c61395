/**
 * Peer repair: after the multicast, an agent completes the blocks it missed from peers that hold
 * them, over unicast HTTP/1.1 range requests, and from the origin only for blocks no peer holds.
 *
 * <p>Not built yet: see the project's repair issue.
 */
package io.subnetcast.repair;
