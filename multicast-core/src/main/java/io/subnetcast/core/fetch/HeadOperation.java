package io.subnetcast.core.fetch;

import io.netty.channel.EventLoop;
import java.net.URI;

/** A HEAD request with its retries and redirects. */
final class HeadOperation extends Operation<ResourceInfo> {

    HeadOperation(FetchSettings settings, ConnectionPool pool, EventLoop loop, URI uri) {
        super(settings, pool, loop, uri);
    }

    @Override
    protected Exchange<ResourceInfo> newExchange(Lease lease, URI uri, int attempts) {
        return new HeadExchange(lease, uri, pool, settings.idleTimeout(), this);
    }

    @Override
    protected String describe(URI uri) {
        return "HEAD " + uri;
    }
}
