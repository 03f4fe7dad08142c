package com.intellidial.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keep-alive requests that queue up behind a slower one are all answered, and the connection keeps
 * being read: the gateway's pooled upstream connections must never hang on the simulator the way a
 * handler that answers synchronously can hang Reactor Netty 1.3 (reactor-netty issue 4361, which the
 * gateway itself works around).
 */
class KeepAliveTests {

    @Test
    void keepsReadingAfterAQueuedRequestWasAnsweredSynchronously() throws IOException {
        try (Simulator simulator = Simulator.start(SimulatorConfig.builder().vapiKey("key-a", "org-a").build());
                Socket socket = new Socket("127.0.0.1", simulator.port())) {
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            String get = "GET /assistant HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer key-a\r\n\r\n";
            String slow = "GET /squad HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer key-a\r\n\r\n";
            simulator.faults().delay("/squad", java.time.Duration.ofMillis(50));
            for (int round = 0; round < 20; round++) {
                // Two at once: the second is queued behind the slow first and answered synchronously.
                out.write(((round % 2 == 0 ? slow : get) + get).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(responses(socket.getInputStream(), 2)).as("round " + round).isEqualTo(2);
            }
            out.write(get.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(responses(socket.getInputStream(), 1)).isEqualTo(1);
        }
    }

    /** Reads until {@code count} responses with their (bare-array) bodies arrived; fails after 3 s of silence. */
    private static int responses(InputStream in, int count) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                String text = received.toString(StandardCharsets.US_ASCII);
                int seen = text.split("HTTP/1.1 200", -1).length - 1;
                if (seen >= count && text.endsWith("]")) {
                    return seen;
                }
                int read = in.read(buffer);
                if (read < 0) {
                    return seen;
                }
                received.write(buffer, 0, read);
            }
        }
        catch (SocketTimeoutException ex) {
            throw new AssertionError("no answer within 3 s; received: " + received, ex);
        }
    }
}
