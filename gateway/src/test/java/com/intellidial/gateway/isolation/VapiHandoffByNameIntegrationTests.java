package com.intellidial.gateway.isolation;

import java.util.Map;

import com.intellidial.gateway.isolation.VapiClient.Reply;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Handoff and transfer by name: a destination naming an assistant by {@code assistantName} is not an
 * id the gateway can check, and if VAPI resolved it among the whole shared org a tenant would reach
 * another tenant's assistant. A name passes only inside a squad and only when it names one of that
 * squad's members as the body states them; everywhere else it is refused, naming the field, and the
 * tenant names the assistant by its (ownership-checked) {@code assistantId}.
 */
@GatewayIntegrationTest
class VapiHandoffByNameIntegrationTests {

    private static final String VICTIM_NAME = "globex-front";

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
        this.acme = this.tenants.create("byname-a", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        TestTenant globex = this.tenants.create("byname-b", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        this.mine = this.vapi.create(this.acme, "/assistant", "{\"name\":\"acme-front\"}");
        this.theirs = this.vapi.create(globex, "/assistant", "{\"name\":\"" + VICTIM_NAME + "\"}");
    }

    @Test
    void namesOutsideASquadAreRefusedNamingTheField() {
        String handoff = "{\"type\":\"handoff\",\"destinations\":[{\"type\":\"assistant\",\"assistantName\":\""
                + VICTIM_NAME + "\"}]}";
        String transfer = "{\"type\":\"transferCall\",\"destinations\":[{\"type\":\"assistant\",\"assistantName\":\""
                + VICTIM_NAME + "\"}]}";
        Map<String, String[]> attempts = Map.of(
                "destinations[0].assistantName", new String[] { "/tool", handoff },
                "destinations[0].assistantName ", new String[] { "/tool", transfer },
                "model.tools[0].destinations[0].assistantName",
                new String[] { "/assistant", "{\"model\":{\"provider\":\"openai\",\"tools\":[" + handoff + "]}}" },
                "assistantOverrides.model.tools[0].destinations[0].assistantName", new String[] { "/call",
                    "{\"assistantId\":\"" + this.mine + "\",\"assistantOverrides\":{\"model\":{\"tools\":[" + transfer + "]}}}" },
                "members[0].assistantDestinations[0].assistantName", new String[] { "/squad",
                    "{\"members\":[{\"assistantId\":\"" + this.mine + "\",\"assistantDestinations\":[{\"type\":\"assistant\","
                            + "\"assistantName\":\"" + VICTIM_NAME + "\"}]}]}" },
                // A name of the outer squad does not reach into a squad nested in a handoff destination.
                "members[0].assistant.model.tools[0].destinations[0].squad.members[0].assistantDestinations[0].assistantName",
                new String[] { "/squad", "{\"members\":[{\"assistant\":{\"name\":\"outer\",\"model\":{\"tools\":[{\"type\":"
                        + "\"handoff\",\"destinations\":[{\"type\":\"squad\",\"squad\":{\"members\":[{\"assistant\":{\"name\":"
                        + "\"inner\"},\"assistantDestinations\":[{\"type\":\"assistant\",\"assistantName\":\"outer\"}]}]}}]}]}}}]}" });
        attempts.forEach((field, request) -> {
            Reply reply = this.vapi.post(this.acme, request[0], request[1]);
            assertThat(reply.status()).as(field + ": " + reply).isEqualTo(400);
            assertThat(reply.json().path("field").asString()).isEqualTo(field.strip());
            assertThat(reply.forwarded()).isFalse();
        });
        String owned = this.vapi.create(this.acme, "/tool", "{\"type\":\"handoff\"}");
        Reply update = this.vapi.patch(this.acme, "/tool/" + owned, handoff.replace("\"type\":\"handoff\",", ""));
        assertThat(update.status()).isEqualTo(400);
        assertThat(update.forwarded()).isFalse();
    }

    @Test
    void namesOfTheSquadsOwnMembersPass() {
        Reply inline = this.vapi.post(this.acme, "/squad", "{\"members\":["
                + "{\"assistant\":{\"name\":\"Sales\",\"model\":{\"provider\":\"openai\",\"tools\":[{\"type\":\"handoff\","
                + "\"destinations\":[{\"type\":\"assistant\",\"assistantName\":\"Support\"}]}]}}},"
                + "{\"assistant\":{\"name\":\"Support\"},\"assistantDestinations\":[{\"type\":\"assistant\","
                + "\"assistantName\":\"Sales\"}]}]}");
        assertThat(inline.status()).as(inline.toString()).isEqualTo(201);
        assertThat(inline.upstreamJson().at("/members/1/assistantDestinations/0/assistantName").asString()).isEqualTo("Sales");
        assertThat(inline.upstreamJson().at("/members/0/assistant/model/tools/0/destinations/0/assistantName").asString())
            .isEqualTo("Support");

        Reply saved = this.vapi.post(this.acme, "/call", "{\"squad\":{\"members\":["
                + "{\"assistantId\":\"" + this.mine + "\",\"assistantOverrides\":{\"name\":\"Front\"}},"
                + "{\"assistantId\":\"" + this.mine + "\",\"assistantDestinations\":[{\"type\":\"assistant\","
                + "\"assistantName\":\"Front\"}]}]}}");
        assertThat(saved.status()).as(saved.toString()).isEqualTo(201);
    }

    @Test
    void handoffByIdIsOwnershipChecked() {
        String byId = "{\"type\":\"handoff\",\"destinations\":[{\"type\":\"assistant\",\"assistantId\":\"%s\"}]}";
        assertThat(this.vapi.post(this.acme, "/tool", byId.formatted(this.mine)).status()).isEqualTo(201);
        Reply theirs = this.vapi.post(this.acme, "/tool", byId.formatted(this.theirs));
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(theirs.forwarded()).isFalse();
    }
}
