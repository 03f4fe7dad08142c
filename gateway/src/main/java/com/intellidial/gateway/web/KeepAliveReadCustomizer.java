package com.intellidial.gateway.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.LastHttpContent;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Re-arms reading a connection after every complete response. Reactor Netty 1.3 reads on demand
 * and can forget to: a keep-alive request that arrives while the previous one is still finishing
 * is queued, and if it is then answered synchronously (a 401, a 404 from cached ownership), nothing
 * asks for the next request, which hangs until the client gives up (reactor-netty issue 4361).
 * One more read request per response is harmless: Reactor Netty queues what arrives early.
 */
@Component
class KeepAliveReadCustomizer implements NettyServerCustomizer {

    private static final String HANDLER_NAME = "intellidial.readAfterResponse";

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null && channel.pipeline().get(HANDLER_NAME) == null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, HANDLER_NAME, new ReadAfterResponse());
            }
        });
    }

    /** Asks for more input once the last part of a response has been written. */
    static final class ReadAfterResponse extends ChannelOutboundHandlerAdapter {

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (!(msg instanceof LastHttpContent)) {
                ctx.write(msg, promise);
                return;
            }
            ChannelPromise written = promise.unvoid();
            written.addListener(future -> {
                if (future.isSuccess() && ctx.channel().isActive() && !ctx.channel().config().isAutoRead()) {
                    ctx.read();
                }
            });
            ctx.write(msg, written);
        }
    }
}
