package com.intellidial.gateway.routing;

import java.util.ArrayList;
import java.util.List;

import com.intellidial.gateway.web.FilterOrder;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Caps the size of proxied request bodies ({@code multipart/form-data} uploads with a declared
 * length have their own, larger cap). A declared {@code Content-Length} over the cap is
 * refused at once and bodies within it stream through untouched. A body of unknown length
 * (chunked) is read into memory up to the cap before anything is forwarded, so the 413 decision
 * never races an upstream that already answered; the upstream then gets a plain
 * {@code Content-Length} request.
 */
@Component
class BodyLimitGlobalFilter implements GlobalFilter, Ordered {

    /** How much of an oversized chunked body is read and discarded so the client still reads the 413. */
    private static final long DRAIN_BYTES = 8L * 1024 * 1024;

    private final long maxBytes;

    private final long maxMultipartBytes;

    BodyLimitGlobalFilter(LimitsProperties properties) {
        this.maxBytes = properties.maxBodySize().toBytes();
        this.maxMultipartBytes = properties.maxMultipartSize().toBytes();
    }

    @Override
    public int getOrder() {
        return FilterOrder.BODY_LIMIT;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders headers = request.getHeaders();
        long declared = headers.getContentLength();
        // File uploads may be larger, but only with a declared length: they stream, never buffered here.
        MediaType type = headers.getContentType();
        boolean upload = type != null && MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type);
        if (declared > (upload ? this.maxMultipartBytes : this.maxBytes)) {
            return Mono.error(tooLarge(upload ? this.maxMultipartBytes : this.maxBytes));
        }
        if (declared >= 0 || !headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
            return chain.filter(exchange);
        }
        return readBounded(request.getBody()).flatMap(buffers -> {
            long length = buffers.stream().mapToLong(DataBuffer::readableByteCount).sum();
            ServerHttpRequest buffered = new ServerHttpRequestDecorator(request.mutate()
                .headers(mutable -> {
                    mutable.remove(HttpHeaders.TRANSFER_ENCODING);
                    mutable.setContentLength(length);
                })
                .build()) {
                @Override
                public Flux<DataBuffer> getBody() {
                    return Flux.fromIterable(buffers);
                }
            };
            return chain.filter(exchange.mutate().request(buffered).build());
        });
    }

    /** The whole body if it fits the cap; else a 413 once the body ended or the drain limit passed. */
    private Mono<List<DataBuffer>> readBounded(Flux<DataBuffer> body) {
        return Mono.defer(() -> {
            List<DataBuffer> kept = new ArrayList<>();
            long[] total = { 0 };
            return body.handle((DataBuffer buffer, reactor.core.publisher.SynchronousSink<DataBuffer> sink) -> {
                total[0] += buffer.readableByteCount();
                if (total[0] <= this.maxBytes) {
                    kept.add(buffer);
                    return;
                }
                DataBufferUtils.release(buffer);
                kept.forEach(DataBufferUtils::release);
                kept.clear();
                if (total[0] > this.maxBytes + DRAIN_BYTES) {
                    sink.error(tooLarge(this.maxBytes));
                }
            })
                .then(Mono.fromCallable(() -> {
                    if (total[0] > this.maxBytes) {
                        throw tooLarge(this.maxBytes);
                    }
                    return kept;
                }))
                .doOnDiscard(DataBuffer.class, DataBufferUtils::release)
                .doOnError(ex -> kept.forEach(DataBufferUtils::release));
        });
    }

    private static GatewayException tooLarge(long limit) {
        return new GatewayException(ProblemType.PAYLOAD_TOO_LARGE,
                "The request body exceeds the limit of " + limit + " bytes");
    }
}
