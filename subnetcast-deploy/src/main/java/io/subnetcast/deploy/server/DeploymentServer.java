package io.subnetcast.deploy.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The deployment server's HTTP/1.1 edge: it binds a port and hands each request to the
 * {@link DeploymentApi} on a small pool of threads, because every request is a database
 * transaction that may wait on a disk write. Bodies are limited to 64 KiB, idle connections
 * close after 60 s.
 *
 * <p>Besides the API it serves the dashboard's static files at {@code /} (no token: they hold no
 * data) and the Prometheus figures at {@code /metrics} (admin token). Every answer forbids
 * sniffing and framing; the API's and the figures' are never cached.
 */
public final class DeploymentServer implements AutoCloseable {
    /** Largest request body. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CSP = "Content-Security-Policy";

    private final EventLoopGroup loop;
    private final EventExecutorGroup workers;
    private final ChannelGroup connections;
    private final Channel channel;

    private DeploymentServer(EventLoopGroup loop, EventExecutorGroup workers, ChannelGroup connections, Channel channel) {
        this.loop = loop;
        this.workers = workers;
        this.connections = connections;
        this.channel = channel;
    }

    /**
     * Binds and starts serving.
     *
     * @param api what answers requests
     * @param address where to listen; port 0 picks a free one
     * @return the running server
     * @throws InterruptedException when interrupted while binding
     */
    public static DeploymentServer start(DeploymentApi api, InetSocketAddress address) throws InterruptedException {
        EventLoopGroup loop = new NioEventLoopGroup(1);
        EventExecutorGroup workers = new DefaultEventExecutorGroup(4);
        ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        ServerBootstrap bootstrap = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(new ReadTimeoutHandler(60, TimeUnit.SECONDS), new HttpServerCodec(),
                                new HttpServerExpectContinueHandler(), new HttpObjectAggregator(MAX_BODY_BYTES));
                        ch.pipeline().addLast(workers, new ApiHandler(api));
                    }
                });
        try {
            return new DeploymentServer(loop, workers, connections, bootstrap.bind(address).sync().channel());
        } catch (Exception e) { // Netty rethrows a failed bind's BindException unchecked
            new DeploymentServer(loop, workers, connections, null).close();
            throw e;
        }
    }

    /** @return the address the server listens on */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        // Open connections first, while the loop and the workers still run their pipelines' teardown.
        // A closed connection's pipeline is torn down on the workers and then on the loop: stop the
        // workers first, after a quiet period, and the loop last.
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        loop.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Answers one aggregated request with JSON. */
    private static final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final DeploymentApi api;

        ApiHandler(DeploymentApi api) {
            this.api = api;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws JsonProcessingException {
            if (!request.decoderResult().isSuccess()) {
                send(ctx, request, json(ApiResponse.error(400, "malformed HTTP request")));
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            String method = request.method().name();
            String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            Dashboard.File file = Dashboard.file(uri.path());
            if (file != null) {
                send(ctx, request, method.equals("GET") || method.equals("HEAD") ? page(file)
                        : json(ApiResponse.error(405, "method not allowed here")));
                return;
            }
            if (uri.path().equals("/metrics")) {
                TextResponse text = api.scrape(method, authorization);
                byte[] body = text.body().getBytes(StandardCharsets.UTF_8);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(text.status()), Unpooled.wrappedBuffer(body));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, text.contentType())
                        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
                send(ctx, request, response);
                return;
            }
            Map<String, String> query = new HashMap<>();
            for (Map.Entry<String, List<String>> e : uri.parameters().entrySet()) {
                query.put(e.getKey(), e.getValue().get(0));
            }
            send(ctx, request, json(api.handle(method, uri.path(), query, authorization,
                    ByteBufUtil.getBytes(request.content()))));
        }

        private static FullHttpResponse json(ApiResponse answer) throws JsonProcessingException {
            byte[] body = JSON.writeValueAsBytes(answer.body());
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                    // JSON is data, never a document: nothing in it may load or run if opened in a browser
                    .set(CSP, "default-src 'none'; frame-ancestors 'none'");
            return response;
        }

        private static FullHttpResponse page(Dashboard.File file) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(file.bytes()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, file.contentType())
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                    .set(CSP, Dashboard.CONTENT_SECURITY_POLICY)
                    .set("Referrer-Policy", "no-referrer")
                    .set("X-Frame-Options", "DENY");
            return response;
        }

        private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                    .set("X-Content-Type-Options", "nosniff");
            if (request.method().name().equals("HEAD")) {
                response.content().clear(); // the length stays that of the GET
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
            HttpUtil.setKeepAlive(response, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset or a read timeout: nothing to answer
        }
    }
}
