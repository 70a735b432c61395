package io.subnetcast.core.serve;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's HTTP exchange: reads requests, answers them strictly in order, one at a time.
 *
 * <p>Pipelined requests wait in a small queue and reading pauses while a response is being
 * written, so a client cannot make the server open many files at once; a client that pipelines
 * more than {@link #MAX_PIPELINED} requests gets answers to those and then the connection closes
 * (it retries the rest, as RFC 9112 section 9.3.2 expects). Request bodies are read and dropped up
 * to {@link #MAX_REQUEST_BODY} bytes; a larger one is refused and the connection closed, since
 * reading it would only waste bandwidth.
 *
 * <p>Nothing here throws on the event loop: every failure becomes a status, a log line or a
 * closed connection.
 */
final class FileServerHandler extends SimpleChannelInboundHandler<HttpObject> {
    private static final Logger LOG = LoggerFactory.getLogger(FileServerHandler.class);
    /** Largest request body accepted (and discarded). */
    static final int MAX_REQUEST_BODY = 1024;
    /** Largest number of requests waiting for an answer on one connection. */
    static final int MAX_PIPELINED = 32;
    /** Size of the reads from the file under TLS, where the bytes must pass through the JVM. */
    private static final int TLS_CHUNK_SIZE = 64 * 1024;
    /** How long input is drained after the server ended its side of a connection. */
    static final long LINGER_MILLIS = 2000;

    private final ResponsePlanner planner;
    private final RequestListener listener;
    private final Clock clock;
    private final long connectionId;

    private final ArrayDeque<PendingRequest> queue = new ArrayDeque<>();
    /** The request whose body is being read, or {@code null}. */
    private PendingRequest receiving;
    private long receivedBodyBytes;
    private long requestCount;
    /** Set once no further request will be answered on this connection. */
    private boolean refusingInput;
    private boolean closeWhenDrained;
    private boolean responding;
    // The body being written and how far it had got at the last idle event: a long download to a
    // slow client is not idle, a client that stopped reading is.
    private Object currentTransfer;
    private long progressAtLastIdle = -1;

    FileServerHandler(ResponsePlanner planner, RequestListener listener, Clock clock, long connectionId) {
        this.planner = planner;
        this.listener = listener;
        this.clock = clock;
        this.connectionId = connectionId;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (!refusingInput && msg instanceof HttpRequest) {
            onRequest(ctx, (HttpRequest) msg);
        }
        if (!refusingInput && msg instanceof HttpContent) {
            onContent(ctx, (HttpContent) msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        long number = ++requestCount;
        PendingRequest pending = PendingRequest.of(number, request);
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            LOG.debug("connection {}: bad request {}: {}", connectionId, number, String.valueOf(cause));
            // After a decoding failure the decoder discards everything: answer, then close.
            enqueueLast(ctx, pending.refusedWith(decodingFailureStatus(cause)));
            return;
        }
        long declaredBody;
        try {
            declaredBody = HttpUtil.getContentLength(request, 0L);
        } catch (NumberFormatException e) {
            enqueueLast(ctx, pending.refusedWith(HttpResponseStatus.BAD_REQUEST));
            return;
        }
        if (declaredBody > MAX_REQUEST_BODY) {
            enqueueLast(ctx, pending.refusedWith(bodyRefusal(pending)));
            return;
        }
        receiving = pending;
        receivedBodyBytes = 0;
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        PendingRequest pending = receiving;
        if (pending == null) {
            return;
        }
        if (content.decoderResult().isFailure()) {
            receiving = null;
            enqueueLast(ctx, pending.refusedWith(HttpResponseStatus.BAD_REQUEST));
            return;
        }
        receivedBodyBytes += content.content().readableBytes();
        if (receivedBodyBytes > MAX_REQUEST_BODY) {
            receiving = null;
            enqueueLast(ctx, pending.refusedWith(bodyRefusal(pending)));
            return;
        }
        if (content instanceof LastHttpContent) {
            receiving = null;
            if (pending.keepAlive) {
                enqueue(ctx, pending);
            } else {
                enqueueLast(ctx, pending);
            }
        }
    }

    private static HttpResponseStatus decodingFailureStatus(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    private static HttpResponseStatus bodyRefusal(PendingRequest pending) {
        return pending.isGetOrHead() ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                : HttpResponseStatus.METHOD_NOT_ALLOWED;
    }

    /** Queues the last request this connection will answer. */
    private void enqueueLast(ChannelHandlerContext ctx, PendingRequest pending) {
        refusingInput = true;
        enqueue(ctx, pending);
    }

    private void enqueue(ChannelHandlerContext ctx, PendingRequest pending) {
        if (queue.size() >= MAX_PIPELINED) {
            LOG.debug("connection {}: more than {} pipelined requests, closing after those", connectionId,
                    MAX_PIPELINED);
            refusingInput = true;
            closeWhenDrained = true;
            return;
        }
        queue.add(pending);
        if (responding) {
            ctx.channel().config().setAutoRead(false);
        } else {
            serveNext(ctx);
        }
    }

    private void serveNext(ChannelHandlerContext ctx) {
        PendingRequest next = queue.poll();
        if (next == null) {
            if (closeWhenDrained) {
                closeAfterResponses(ctx);
            } else if (!refusingInput && !ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
            }
            return;
        }
        responding = true;
        Reply reply;
        try {
            reply = planner.plan(next, clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("connection {}: planning the answer to {} failed", connectionId, next.target, e);
            reply = ResponsePlanner.error(next, clock.instant(), HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "internal error");
        }
        write(ctx, next, reply);
    }

    private void write(ChannelHandlerContext ctx, PendingRequest request, Reply planned) {
        Reply reply = planned;
        Object body = null;
        if (reply.sendBody && reply.count > 0) {
            if (reply.text != null) {
                body = Unpooled.wrappedBuffer(reply.text);
            } else {
                try {
                    body = openFileBody(ctx, reply);
                } catch (IOException | RuntimeException e) {
                    reply = openFailure(request, e);
                    body = Unpooled.wrappedBuffer(reply.text);
                }
            }
        }
        // Content-Length is set, so the encoder sends ByteBuf and FileRegion bodies as they are.
        ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, reply.status, reply.headers));
        if (body != null) {
            ctx.write(body);
        }
        ChannelFuture done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        Reply written = reply;
        Object transfer = body;
        currentTransfer = transfer;
        progressAtLastIdle = -1;
        done.addListener(future -> finished(ctx, request, written, transfer, future.isSuccess()));
    }

    /**
     * Zero-copy ({@code sendfile}) when the bytes go to the socket unchanged; under TLS they must
     * be encrypted in the JVM, so the file is read in chunks instead. Both close the file channel
     * when they are released, whether the transfer completed or not.
     */
    private static Object openFileBody(ChannelHandlerContext ctx, Reply reply) throws IOException {
        FileChannel channel = reply.resource.open();
        try {
            if (ctx.pipeline().get(SslHandler.class) != null) {
                return new ChunkedNioFile(channel, reply.start, reply.count, TLS_CHUNK_SIZE);
            }
            return new DefaultFileRegion(channel, reply.start, reply.count);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private Reply openFailure(PendingRequest request, Exception e) {
        if (e instanceof NoSuchFileException) {
            LOG.debug("connection {}: {} vanished before it was opened", connectionId, request.target);
            return ResponsePlanner.error(request, clock.instant(), HttpResponseStatus.NOT_FOUND, "not found");
        }
        LOG.warn("connection {}: cannot open {}", connectionId, request.target, e);
        return ResponsePlanner.error(request, clock.instant(), HttpResponseStatus.INTERNAL_SERVER_ERROR,
                "cannot read the file");
    }

    private void finished(ChannelHandlerContext ctx, PendingRequest request, Reply reply, Object transfer,
            boolean success) {
        responding = false;
        currentTransfer = null;
        long sent = success ? reply.bodyBytes() : bytesHandedOver(transfer);
        InetSocketAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress
                ? (InetSocketAddress) ctx.channel().remoteAddress() : null;
        ServedRequest served = new ServedRequest(remote, request.method.name(), request.target,
                reply.status.code(), request.range, sent, connectionId, request.number, success);
        LOG.debug("{}", served);
        if (listener != null) {
            try {
                listener.requestServed(served);
            } catch (RuntimeException e) {
                LOG.warn("request listener failed", e);
            }
        }
        if (!success) {
            ctx.close();
            return;
        }
        if (reply.close) {
            closeAfterResponses(ctx);
            return;
        }
        serveNext(ctx);
    }

    /**
     * Closes after the last response without destroying it: a plain close with unread input
     * (a refused body, requests pipelined past the limit, the rest of a bad message) makes the
     * kernel send a reset, which can discard the response before the client reads it. So the
     * server ends its side first (TLS close_notify, then a TCP FIN), keeps reading and dropping
     * what arrives, and closes when the client does or after {@link #LINGER_MILLIS} (the
     * "lingering close" of RFC 9112 section 9.6).
     */
    private void closeAfterResponses(ChannelHandlerContext ctx) {
        refusingInput = true;
        queue.clear();
        Channel channel = ctx.channel();
        if (!(channel instanceof DuplexChannel) || !channel.isActive()) {
            ctx.close();
            return;
        }
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        ChannelFuture outboundClosed = tls != null ? tls.closeOutbound() : ctx.newSucceededFuture();
        outboundClosed.addListener(closed -> ((DuplexChannel) channel).shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess()) {
                ctx.close();
                return;
            }
            channel.config().setAutoRead(true);
            ctx.executor().schedule(() -> {
                ctx.close();
            }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        }));
    }

    private static long bytesHandedOver(Object transfer) {
        if (transfer instanceof DefaultFileRegion) {
            return ((DefaultFileRegion) transfer).transferred();
        }
        if (transfer instanceof ChunkedNioFile) {
            ChunkedNioFile chunked = (ChunkedNioFile) transfer;
            return chunked.currentOffset() - chunked.startOffset();
        }
        return 0;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            // Netty fires the first idle event of a sequence even while output progresses.
            if (responding && currentTransfer != null) {
                long progress = bytesHandedOver(currentTransfer);
                if (progress != progressAtLastIdle) {
                    progressAtLastIdle = progress;
                    return;
                }
            }
            LOG.debug("connection {}: idle for too long, closing", connectionId);
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        refusingInput = true;
        receiving = null;
        queue.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || cause.getCause() instanceof SSLException) {
            // Resets and failed handshakes are the client's business, not an error of ours.
            LOG.debug("connection {}: {}", connectionId, cause.toString());
        } else {
            LOG.warn("connection {}: closing after an unexpected error", connectionId, cause);
        }
        ctx.close();
    }
}
