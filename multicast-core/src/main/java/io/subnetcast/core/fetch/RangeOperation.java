package io.subnetcast.core.fetch;

import io.netty.channel.EventLoop;
import java.net.URI;

/**
 * A GET of a span with its retries and redirects; each retry asks only for the bytes not yet
 * delivered, with the same If-Range validator.
 */
final class RangeOperation extends Operation<FetchResult> {
    private final SpanProgress progress;
    private final BodySink sink;

    RangeOperation(FetchSettings settings, ConnectionPool pool, EventLoop loop, FetchRequest request, BodySink sink) {
        super(settings, pool, loop, request.uri());
        this.progress = new SpanProgress(request);
        this.sink = sink;
    }

    @Override
    protected Exchange<FetchResult> newExchange(Lease lease, URI uri, int attempts) {
        return new RangeExchange(lease, uri, pool, settings.idleTimeout(), this, progress, sink, attempts);
    }

    @Override
    protected String describe(URI uri) {
        FetchRequest request = progress.request();
        boolean whole = request.start() == 0 && request.endExclusive().isEmpty();
        return "GET " + uri + (whole ? "" : " " + request.spanText());
    }
}
