package com.intellidial.gateway.isolation;

import java.util.List;
import java.util.UUID;

import com.intellidial.gateway.isolation.VapiClient.Reply;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.gateway.web.GatewayHeaders;
import com.intellidial.simulator.RecordedRequest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies where none belong and method overrides, on both routes: a {@code GET} or {@code DELETE}
 * body the gateway does not check is refused before anything is forwarded (an upstream honouring it
 * would act on ids nobody checked), and the method-override headers never reach an upstream, so the
 * method the gateway checked is the method the upstream runs.
 */
@GatewayIntegrationTest
class BodylessMethodsIntegrationTests {

    private static final List<String> OVERRIDES = List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    VapiClient vapi;

    TestTenant acme;

    String mine;

    String theirs;

    @BeforeEach
    void tenants() {
        this.vapi = new VapiClient(this.client);
        this.acme = this.tenants.create("nobody-a", VapiMode.SHARED_ORG, TelephonyMode.BYO_TWILIO);
        TestTenant globex = this.tenants.create("nobody-b", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        this.mine = this.vapi.create(this.acme, "/assistant", "{\"name\":\"mine\"}");
        this.theirs = this.vapi.create(globex, "/assistant", "{\"name\":\"theirs\"}");
    }

    @Test
    void vapiGetAndDeleteBodiesAreRefusedAndNeverForwarded() {
        String body = "{\"assistantId\":\"" + this.theirs + "\",\"ids\":[\"" + this.theirs + "\"]}";
        for (Reply reply : List.of(this.vapi.send(this.acme, HttpMethod.GET, "/assistant/" + this.mine, body),
                this.vapi.send(this.acme, HttpMethod.GET, "/call", body),
                this.vapi.send(this.acme, HttpMethod.DELETE, "/assistant/" + this.mine, body))) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
            assertThat(reply.json().path("detail").asString()).contains("takes no body");
            assertThat(reply.forwarded()).isFalse();
        }
        assertThat(this.vapi.get(this.acme, "/assistant/" + this.mine).status()).as("not deleted").isEqualTo(200);
        // Without a body, and where the catalog checks the body (DELETE /call/{id} with ids), they work.
        Reply plain = this.vapi.get(this.acme, "/assistant/" + this.mine);
        assertThat(plain.upstream().body()).isEmpty();
        String call = this.vapi.create(this.acme, "/call", "{\"assistantId\":\"" + this.mine + "\"}");
        Reply checked = this.vapi.send(this.acme, HttpMethod.DELETE, "/call/" + call, "{\"ids\":[\"" + this.theirs + "\"]}");
        assertThat(checked.status()).as("an unowned id in a checked body is still a 404").isEqualTo(404);
        assertThat(checked.forwarded()).isFalse();
        assertThat(this.vapi.send(this.acme, HttpMethod.DELETE, "/call/" + call, "{\"ids\":[\"" + call + "\"]}").status())
            .isBetween(200, 299);
    }

    @Test
    void twilioGetAndDeleteBodiesAreRefusedAndNeverForwarded() {
        String calls = "/twilio/2010-04-01/Accounts/" + this.acme.accountSid() + "/Calls.json";
        String message = "/twilio/2010-04-01/Accounts/" + this.acme.accountSid() + "/Messages/SM" + "0".repeat(32) + ".json";
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.DELETE)) {
            String path = method.equals(HttpMethod.GET) ? calls : message;
            String requestId = UUID.randomUUID().toString();
            twilio(method, path, requestId, "AccountSid=AC" + "f".repeat(32) + "&To=%2B14155550100")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").value(detail -> assertThat(String.valueOf(detail)).contains("takes no body"));
            assertThat(TestUpstream.anyReceived(requestId)).as(method + " " + path).isFalse();
        }
        String requestId = UUID.randomUUID().toString();
        twilio(HttpMethod.GET, calls, requestId, null).expectStatus().isOk();
        assertThat(TestUpstream.received(requestId).body()).isEmpty();
    }

    @Test
    void methodOverrideHeadersNeverReachVapi() {
        String requestId = "override-" + UUID.randomUUID();
        WebTestClient.RequestHeadersSpec<?> request = this.client.get().uri("/vapi/assistant/" + this.mine)
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + this.acme.apiKey())
            .header(GatewayHeaders.REQUEST_ID, requestId);
        for (String header : OVERRIDES) {
            request = request.header(header, "DELETE");
        }
        request.exchange().expectStatus().isOk();
        assertNoOverride(TestUpstream.received(requestId), "GET");
        assertThat(this.vapi.get(this.acme, "/assistant/" + this.mine).status()).as("not deleted").isEqualTo(200);

        String postId = "override-" + UUID.randomUUID();
        WebTestClient.RequestBodySpec post = this.client.post().uri("/vapi/call")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + this.acme.apiKey())
            .header(GatewayHeaders.REQUEST_ID, postId);
        for (String header : OVERRIDES) {
            post = post.header(header, "PATCH");
        }
        post.contentType(MediaType.APPLICATION_JSON).bodyValue("{\"assistantId\":\"" + this.mine + "\"}")
            .exchange().expectStatus().isCreated();
        assertNoOverride(TestUpstream.received(postId), "POST");
    }

    @Test
    void methodOverrideHeadersNeverReachTwilio() {
        String requestId = UUID.randomUUID().toString();
        WebTestClient.RequestHeadersSpec<?> request = this.client.get()
            .uri("/twilio/2010-04-01/Accounts/" + this.acme.accountSid() + "/Calls.json")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + this.acme.apiKey())
            .header(GatewayHeaders.REQUEST_ID, requestId);
        for (String header : OVERRIDES) {
            request = request.header(header, "POST");
        }
        request.exchange().expectStatus().isOk();
        assertNoOverride(TestUpstream.received(requestId), "GET");
    }

    private WebTestClient.ResponseSpec twilio(HttpMethod method, String path, String requestId, @Nullable String form) {
        WebTestClient.RequestBodySpec request = this.client.method(method).uri(path)
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + this.acme.apiKey())
            .header(GatewayHeaders.REQUEST_ID, requestId);
        return (form != null)
                ? request.contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue(form).exchange()
                : request.exchange();
    }

    private static void assertNoOverride(RecordedRequest received, String method) {
        assertThat(received.method()).isEqualTo(method);
        for (String header : OVERRIDES) {
            assertThat(received.header(header)).as(header).isNull();
        }
    }
}
