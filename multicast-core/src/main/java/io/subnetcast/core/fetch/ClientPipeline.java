package io.subnetcast.core.fetch;

import com.google.common.net.InetAddresses;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Sets up a client connection: TLS for https (with hostname verification and SNI), the HTTP/1.1
 * codec with bounded line and header sizes and no aggregation, and the {@link ExchangeSlot}.
 */
final class ClientPipeline extends ChannelInitializer<Channel> {
    /** Longest status line accepted. */
    static final int MAX_INITIAL_LINE_LENGTH = 4096;
    /** Largest header block accepted. */
    static final int MAX_HEADER_SIZE = 16384;
    /** Largest piece of body handed on at once; bigger pieces are split, never gathered. */
    static final int MAX_CHUNK_SIZE = 65536;

    static final String TLS = "tls";
    static final String HTTP = "http";
    static final String STALL = "stall";
    static final String SLOT = "slot";

    private final Origin origin;
    private final SslContext sslContext; // null for plain http
    private final long handshakeTimeoutMillis;
    private final ConnectionPool pool;

    ClientPipeline(Origin origin, SslContext sslContext, long handshakeTimeoutMillis, ConnectionPool pool) {
        this.origin = origin;
        this.sslContext = sslContext;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.pool = pool;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (origin.secure()) {
            ch.pipeline().addLast(TLS, newSslHandler(ch));
        }
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(MAX_CHUNK_SIZE);
        ch.pipeline().addLast(HTTP, new HttpClientCodec(config, false, false));
        ch.pipeline().addLast(SLOT, new ExchangeSlot(pool));
    }

    private SslHandler newSslHandler(Channel ch) {
        String host = origin.connectHost();
        SslHandler handler = sslContext.newHandler(ch.alloc(), host, origin.port());
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        // Without this the engine checks the chain but not that the certificate names this host.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!InetAddresses.isInetAddress(host)) {
            // RFC 6066 allows host names only in SNI, never address literals.
            parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(parameters);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }
}
