package com.intellidial.gateway.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Gateway keys and upstream credentials never reach the log, on success or on any error path. */
@GatewayIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class SecretsNeverLoggedIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @AfterEach
    void clearFaults() {
        TestUpstream.simulator().faults().clear();
    }

    @Test
    void keysAndCredentialsStayOutOfTheLog(CapturedOutput output) {
        TestTenant tenant = this.tenants.create("nolog");
        String basic = Base64.getEncoder()
            .encodeToString((tenant.accountSid() + ":" + tenant.apiKey()).getBytes(StandardCharsets.UTF_8));
        this.client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange().expectStatus().isOk();
        this.client.get().uri("/twilio/2010-04-01/Accounts/x/Calls.json").header(HttpHeaders.AUTHORIZATION, "Basic " + basic)
            .exchange().expectStatus().isOk();
        TestUpstream.simulator().faults().failNext("/assistant", 500, 1);
        this.client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange().expectStatus().isEqualTo(500);
        String wrongSecret = tenant.apiKey().substring(0, tenant.apiKey().lastIndexOf('_') + 1) + "f".repeat(32);
        this.client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + wrongSecret)
            .exchange().expectStatus().isUnauthorized();
        assertThat(output.getAll()).doesNotContain(tenant.apiKey())
            .doesNotContain(wrongSecret)
            .doesNotContain(tenant.vapiKey())
            .doesNotContain(tenant.twilioToken())
            .doesNotContain(basic);
    }
}
