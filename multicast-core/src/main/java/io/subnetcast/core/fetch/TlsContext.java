package io.subnetcast.core.fetch;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * The TLS client context of a fetcher, built when the first https connection needs it. Netty's
 * default context parses the JDK's trust store: some 180 classes and 0.15 s of CPU at every
 * agent's start, spent for nothing when the origin and the peers speak plain http (the common
 * case on a LAN, and every agent of a namespace test sharing two cores).
 */
final class TlsContext implements Supplier<SslContext> {
    private final SslContext given;
    private SslContext built;

    /** @param given the context the embedder set, or null for the default one (built on first use) */
    TlsContext(SslContext given) {
        this.given = given;
    }

    /**
     * @return the context
     * @throws IllegalStateException if the default context cannot be created; the connection that
     *     asked for it fails with this as its cause
     */
    @Override
    public synchronized SslContext get() {
        if (given != null) {
            return given;
        }
        if (built == null) {
            try {
                // No trustManager override: the JDK's default trust store decides.
                built = SslContextBuilder.forClient().build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot create the default TLS client context", e);
            }
        }
        return built;
    }
}
