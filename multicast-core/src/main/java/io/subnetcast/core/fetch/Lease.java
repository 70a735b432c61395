package io.subnetcast.core.fetch;

import io.netty.channel.Channel;

/**
 * A connection handed to one exchange.
 *
 * @param channel the connection, already through its TLS handshake for https
 * @param reused true if it came from the idle pool: the server may have closed it meanwhile
 */
record Lease(Channel channel, boolean reused) {
}
