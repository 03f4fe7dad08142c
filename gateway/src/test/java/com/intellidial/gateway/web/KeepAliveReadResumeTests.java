package com.intellidial.gateway.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A keep-alive request that arrives while the previous one is still finishing is queued by Reactor
 * Netty; if it is then answered synchronously, Reactor Netty 1.3.x stops reading the connection
 * (reactor-netty issue 4361), and the next request hangs until the client gives up. The gateway
 * answers many requests synchronously (401, 404 from cached ownership), so it re-arms the read
 * after every complete response.
 */
class KeepAliveReadResumeTests {

    @Test
    void aQueuedRequestAnsweredSynchronouslyDoesNotStallTheConnection() throws IOException {
        DisposableServer server = new KeepAliveReadCustomizer().apply(HttpServer.create().host("127.0.0.1").port(0))
            .handle((request, response) -> response.sendString(request.uri().equals("/slow")
                    ? Mono.delay(Duration.ofMillis(100)).thenReturn("slow") : Mono.just("fast")))
            .bindNow(Duration.ofSeconds(5));
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            // Both arrive while /slow is in progress, so /first is queued and answered synchronously.
            out.write(("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /first HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answered = readResponses(socket.getInputStream(), 2);
            assertThat(answered).contains("slow").contains("fast");
            out.write("GET /next HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponses(socket.getInputStream(), 1)).as("the request after the queued one").contains("fast");
        }
        finally {
            server.disposeNow();
        }
    }

    /** Reads until {@code count} complete responses (each with a 4-byte body here) arrived, or times out. */
    private static String readResponses(InputStream in, int count) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            while (received.toString(StandardCharsets.US_ASCII).split("HTTP/1.1 200", -1).length - 1 < count
                    || !endsWithBody(received.toString(StandardCharsets.US_ASCII))) {
                int read = in.read(buffer);
                if (read < 0) {
                    break;
                }
                received.write(buffer, 0, read);
            }
        }
        catch (SocketTimeoutException ex) {
            throw new AssertionError("no answer within 3 s; received so far: " + received, ex);
        }
        return received.toString(StandardCharsets.US_ASCII);
    }

    private static boolean endsWithBody(String text) {
        return text.endsWith("slow") || text.endsWith("fast");
    }
}
