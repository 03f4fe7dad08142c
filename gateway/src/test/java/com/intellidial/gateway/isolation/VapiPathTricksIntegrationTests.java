package com.intellidial.gateway.isolation;

import java.util.List;

import com.intellidial.gateway.isolation.VapiClient.Reply;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spellings an attacker tries to smuggle another tenant's id past the gateway: encodings, dot
 * segments, doubled and trailing slashes, case, matrix and repeated parameters, duplicate and
 * escaped JSON keys, and bodies built to exhaust memory. Each is refused with a clear 4xx and never
 * reaches VAPI; the legitimate spellings reach VAPI in canonical form.
 */
@GatewayIntegrationTest
class VapiPathTricksIntegrationTests {

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Autowired
    MeterRegistry meters;

    @Autowired
    DatabaseClient db;

    VapiClient vapi;

    TestTenant acme;

    TestTenant globex;

    String mine;

    String theirs;

    @BeforeEach
    void tenants() {
        this.vapi = new VapiClient(this.client);
        this.acme = this.tenants.create("trick-a", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        this.globex = this.tenants.create("trick-b", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        this.mine = this.vapi.create(this.acme, "/assistant", "{\"name\":\"mine\"}");
        this.theirs = this.vapi.create(this.globex, "/assistant", "{\"name\":\"theirs\"}");
    }

    @Test
    void pathSpellingsThatDoNotNameAnOwnedResourceAreNotFoundAndNeverForwarded() {
        List<String> paths = List.of("/assistant/" + this.theirs, "/assistant/" + this.mine + "%2F..%2F" + this.theirs,
                "/assistant/" + this.mine + "/../" + this.theirs, "/assistant/%2E%2E/" + this.theirs,
                "/assistant/" + this.mine + "%252F" + this.theirs, "//assistant/" + this.mine, "/assistant//" + this.mine,
                "/assistant/" + this.mine + "/", "/Assistant/" + this.mine, "/ASSISTANT/" + this.mine,
                "/assistant/" + this.mine + ";" + this.theirs, "/assistant;x=1/" + this.mine,
                "/assistant/" + this.mine.toUpperCase(), "/assistant/" + this.mine + "%00",
                "/./assistant/" + this.mine, "/assistant/" + "a".repeat(129), "/v2/../assistant/" + this.mine);
        for (String path : paths) {
            Reply reply = this.vapi.get(this.acme, path);
            assertThat(reply.status()).as(path).isIn(400, 404);
            assertThat(reply.forwarded()).as(path).isFalse();
        }
    }

    @Test
    void encodedSpellingsOfAnOwnedIdReachVapiCanonically() {
        String encoded = "%" + Integer.toHexString(this.mine.charAt(0)) + this.mine.substring(1);
        Reply reply = this.vapi.get(this.acme, "/assistant/" + encoded + "?x=%20y");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.upstream().path()).isEqualTo("/assistant/" + this.mine);
        assertThat(reply.upstream().rawQuery()).isEqualTo("x=+y");
        assertThat(this.vapi.get(this.acme, "/assistant/" + this.mine).upstream().path()).isEqualTo("/assistant/" + this.mine);
    }

    @Test
    void everyValueOfARepeatedOrListQueryParameterMustBeOwned() {
        for (String query : List.of("/call?assistantId=" + this.mine + "&assistantId=" + this.theirs,
                "/call?assistantId=" + this.theirs + "&assistantId=" + this.mine, "/call?assistant%49d=" + this.theirs,
                "/session?assistantIdAny=" + this.mine + "%2C" + this.theirs, "/session?assistantIdAny=" + this.mine + ",",
                "/call?orgId=org-platform", "/call?id=" + this.theirs, "/assistant/" + this.mine + "?squadId=x")) {
            Reply reply = this.vapi.get(this.acme, query);
            assertThat(reply.status()).as(query).isIn(400, 404);
            assertThat(reply.forwarded()).as(query).isFalse();
        }
        Reply both = this.vapi.get(this.acme, "/session?assistantIdAny=" + this.mine + "," + this.mine);
        assertThat(both.status()).isEqualTo(200);
    }

    @Test
    void bodyTricksAreRefusedBeforeVapiSeesThem() {
        List<String> bodies = List.of("{\"assistantId\":\"" + this.mine + "\",\"assistantId\":\"" + this.theirs + "\"}",
                "{\"assistantId\":\"" + this.mine + "\",\"\\u0061ssistantId\":\"" + this.theirs + "\"}",
                "{\"\\u0061ssistantId\":\"" + this.theirs + "\"}",
                "{\"assistantId\":[\"" + this.theirs + "\"]}", "{\"assistantId\":{\"id\":\"" + this.theirs + "\"}}",
                "{\"squad\":{\"members\":[{\"assistantOverrides\":{\"model\":{\"toolIds\":[\"" + this.theirs + "\"]}}}]}}",
                "{\"assistantOverrides\":{\"model\":{\"tools\":[{\"type\":\"handoff\",\"destinations\":[{\"assistantId\":\""
                        + this.theirs + "\"}]}]}}}",
                "{\"assistantId\":\"" + this.mine + "\"} {\"assistantId\":\"" + this.theirs + "\"}",
                "[" + "[".repeat(5000) + "]".repeat(5000) + "]", "{\"a\":" + "{\"a\":".repeat(100) + "1" + "}".repeat(101),
                "not json");
        for (String body : bodies) {
            Reply reply = this.vapi.post(this.acme, "/call", body);
            assertThat(reply.status()).as(body.length() > 200 ? body.substring(0, 200) : body).isIn(400, 404);
            assertThat(reply.forwarded()).isFalse();
        }
    }

    @Test
    void oversizedBodiesAre413AndNeverForwarded() {
        String huge = "{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        Reply reply = this.vapi.post(this.acme, "/assistant", huge);
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.forwarded()).isFalse();
        StringBuilder manyIds = new StringBuilder("{\"model\":{\"toolIds\":[");
        for (int i = 0; i < 20_000; i++) {
            manyIds.append((i == 0) ? "" : ",").append('"').append(this.theirs).append('"');
        }
        Reply many = this.vapi.post(this.acme, "/assistant", manyIds.append("]}}").toString());
        assertThat(many.status()).isEqualTo(404);
        assertThat(many.forwarded()).isFalse();
    }

    @Test
    void warmOwnershipChecksDoNotTouchTheDatabase() {
        String path = "/assistant/" + this.mine;
        // An admin-assigned assistant without a server: its calls send no server messages, whose
        // ownership checks (of the new call ids) would read the database in the background.
        String quiet = adminAssignedAssistant(this.acme);
        String call = "{\"assistantId\":\"" + quiet + "\"}";
        this.vapi.get(this.acme, path);
        this.vapi.get(this.globex, path);
        this.vapi.post(this.acme, "/call", call);
        double before = this.meters.counter("gateway.isolation.ownership.loads").count();
        for (int i = 0; i < 20; i++) {
            assertThat(this.vapi.get(this.acme, path).status()).isEqualTo(200);
            assertThat(this.vapi.get(this.globex, path).status()).isEqualTo(404);
            assertThat(this.vapi.post(this.acme, "/call", call).status()).isEqualTo(201);
        }
        // Path ids, body references and (missing) default aliases are all answered from memory;
        // recording the new calls writes but never reads.
        assertThat(this.meters.counter("gateway.isolation.ownership.loads").count()).isEqualTo(before);
    }

    private String adminAssignedAssistant(TestTenant tenant) {
        byte[] body = WebTestClient.bindToServer()
            .baseUrl(TestUpstream.simulator().baseUrl())
            .build()
            .post()
            .uri("/assistant")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestUpstream.PLATFORM_VAPI_KEY)
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"name\":\"dashboard-made\"}")
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody()
            .returnResult()
            .getResponseBodyContent();
        String id = VapiClient.JSON.readTree(body).get("id").stringValue();
        this.db.sql("insert into ownership (tenant_id, upstream, resource_type, upstream_id) values (:t, 'vapi', 'assistant', :a)")
            .bind("t", tenant.id())
            .bind("a", id)
            .then()
            .block();
        return id;
    }
}
