package com.intellidial.gateway.web;

import java.util.UUID;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Answers requests that Netty cannot even decode (headers or request line over the limit,
 * malformed HTTP) with a problem+json body instead of Netty's empty 400/414/431, so garbage input
 * gets the same clear error shape as everything else.
 */
@Component
class HttpDecoderProblemCustomizer implements NettyServerCustomizer {

    private static final String HANDLER_NAME = "intellidial.decoderProblem";

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null && channel.pipeline().get(HANDLER_NAME) == null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, HANDLER_NAME, new DecoderFailureHandler());
            }
        });
    }

    /** Replies to a request whose decoding failed, then drops the rest of the connection's input. */
    static final class DecoderFailureHandler extends ChannelInboundHandlerAdapter {

        private boolean failed;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (this.failed) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpObject http && http.decoderResult().isFailure()) {
                this.failed = true;
                Throwable cause = http.decoderResult().cause();
                ReferenceCountUtil.release(msg);
                String instance = (msg instanceof HttpRequest request) ? safeInstance(request) : "";
                ctx.writeAndFlush(problemResponse(cause, instance)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        private static String safeInstance(HttpRequest request) {
            String uri = request.uri();
            return (uri == null || uri.length() > 256 || request.decoderResult().cause() instanceof TooLongHttpLineException)
                    ? "" : uri;
        }

        private static FullHttpResponse problemResponse(Throwable cause, String instance) {
            GatewayException problem;
            if (cause instanceof TooLongHttpHeaderException) {
                problem = new GatewayException(ProblemType.HEADERS_TOO_LARGE, "The request headers exceed the allowed size");
            }
            else if (cause instanceof TooLongHttpLineException) {
                problem = new GatewayException(ProblemType.URI_TOO_LONG, "The request line exceeds the allowed length");
            }
            else if (cause instanceof TooLongFrameException) {
                problem = new GatewayException(ProblemType.MALFORMED_REQUEST, "A part of the request exceeds the allowed size");
            }
            else {
                problem = new GatewayException(ProblemType.MALFORMED_REQUEST, "The request is not valid HTTP");
            }
            String requestId = UUID.randomUUID().toString();
            byte[] body = ProblemRenderer.toJson(problem, instance, requestId, null);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(problem.type().status().value()), Unpooled.wrappedBuffer(body));
            response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(GatewayHeaders.REQUEST_ID, requestId);
            return response;
        }
    }
}
