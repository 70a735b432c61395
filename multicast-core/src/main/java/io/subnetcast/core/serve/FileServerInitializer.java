package io.subnetcast.core.serve;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Builds the pipeline of each accepted connection. */
final class FileServerInitializer extends ChannelInitializer<Channel> {
    /** Longest request line; paths in a file cache are short. */
    static final int MAX_REQUEST_LINE = 4096;
    /** Largest header block. */
    static final int MAX_HEADER_SIZE = 8192;
    private static final int MAX_CHUNK_SIZE = 8192;

    private final SslContext sslContext;
    private final long idleTimeoutMillis;
    private final ResponsePlanner planner;
    private final RequestListener listener;
    private final Clock clock;
    private final ChannelGroup children;
    private final AtomicLong connectionIds = new AtomicLong();

    FileServerInitializer(SslContext sslContext, long idleTimeoutMillis, ResponsePlanner planner,
            RequestListener listener, Clock clock, ChannelGroup children) {
        this.sslContext = sslContext;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.planner = planner;
        this.listener = listener;
        this.clock = clock;
        this.children = children;
    }

    @Override
    protected void initChannel(Channel channel) {
        children.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        if (sslContext != null) {
            pipeline.addLast("tls", sslContext.newHandler(channel.alloc()));
        }
        // observeOutput: a slow download that still makes progress is not idle; a stalled one is.
        pipeline.addLast("idle", new IdleStateHandler(true, 0, 0, idleTimeoutMillis, TimeUnit.MILLISECONDS));
        pipeline.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(MAX_CHUNK_SIZE)));
        if (sslContext != null) {
            // Turns ChunkedNioFile into plain ByteBufs; placed after the codec so that they pass
            // through the encoder as raw body bytes, framed by Content-Length, never chunk-encoded.
            pipeline.addLast("chunked", new ChunkedWriteHandler());
        }
        pipeline.addLast("files", new FileServerHandler(planner, listener, clock, connectionIds.incrementAndGet()));
    }
}
