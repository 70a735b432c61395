package io.subnetcast.core.fetch;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of every connection: passes events to the {@link Exchange} that currently owns
 * the connection. While the connection sits idle in the pool nobody owns it, and anything the
 * server sends then is unexpected, so the connection is closed rather than risk pairing those bytes
 * with the next request.
 */
final class ExchangeSlot extends ChannelInboundHandlerAdapter {
    private final ConnectionPool pool;
    private Exchange<?> current;

    ExchangeSlot(ConnectionPool pool) {
        this.pool = pool;
    }

    /** Called on the channel's event loop. */
    void attach(Exchange<?> exchange) {
        current = exchange;
    }

    /** Called on the channel's event loop. */
    void detach() {
        current = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Exchange<?> exchange = current;
        if (exchange != null) {
            exchange.onMessage(msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pool.forget(ctx.channel());
        Exchange<?> exchange = current;
        if (exchange != null) {
            exchange.onConnectionLost(null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Exchange<?> exchange = current;
        ctx.close();
        if (exchange != null) {
            exchange.onConnectionLost(cause);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        Exchange<?> exchange = current;
        if (evt instanceof IdleStateEvent && exchange != null) {
            exchange.onStall();
        } else {
            ReferenceCountUtil.release(evt);
        }
    }
}
