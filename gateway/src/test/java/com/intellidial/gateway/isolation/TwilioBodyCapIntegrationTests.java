package com.intellidial.gateway.isolation;

import java.util.Arrays;
import java.util.UUID;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.web.GatewayHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Twilio POST bodies are forms of at most {@code gateway.limits.max-body-size}: a multipart body
 * (which the body-limit filter lets stream up to the much larger upload cap) must not be joined
 * into memory by the Twilio isolator, and is never forwarded.
 */
@GatewayIntegrationTest
class TwilioBodyCapIntegrationTests {

    @Autowired
    TestTenants tenants;

    @Autowired
    WebTestClient web;

    @Test
    void multipartTwilioPostIsRefusedBeforeItIsBufferedOrForwarded() {
        TestTenant tenant = this.tenants.create("tw-multipart");
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        // 3 MB, chunked: over max-body-size (1 MB), under the 25 MB upload cap.
        Flux<DataBuffer> body = Flux.range(0, 48).map(i -> DefaultDataBufferFactory.sharedInstance.wrap(chunk.clone()));
        String requestId = UUID.randomUUID().toString();
        this.web.post()
            .uri("/twilio/2010-04-01/Accounts/" + tenant.accountSid() + "/Calls.json")
            .header("Authorization", "Bearer " + tenant.apiKey())
            .header(GatewayHeaders.REQUEST_ID, requestId)
            .contentType(MediaType.parseMediaType("multipart/form-data; boundary=x"))
            .body(body, DataBuffer.class)
            .exchange()
            .expectStatus()
            .isEqualTo(415);
        assertThat(TestUpstream.anyReceived(requestId)).as("never forwarded").isFalse();
    }
}
