package com.intellidial.gateway.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.intellidial.gateway.support.ExtraGateway;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway instances on one PostgreSQL: a key revoked, a tenant suspended and a grace period
 * ended through one instance are refused by the other within a second (the figure is logged).
 * Shared-org tenants: the other instance has the platform credential, not the test store's.
 */
@GatewayIntegrationTest
class KeyPropagationIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(KeyPropagationIntegrationTests.class);

    private static final Duration LIMIT = Duration.ofSeconds(1);

    private static ConfigurableApplicationContext other;

    private static WebClient otherClient;

    @Autowired
    WebTestClient web;

    @Autowired
    TestTenants tenants;

    @BeforeAll
    static void startSecondInstance() {
        // The key cache TTL is long here: only the cluster notification can make the other refuse in time.
        other = ExtraGateway.start(Map.of("gateway.tenants.key-cache.ttl", "10m"));
        otherClient = WebClient.create(ExtraGateway.baseUrl(other));
    }

    @AfterAll
    static void stopSecondInstance() {
        if (other != null) {
            other.close();
        }
    }

    @Test
    void aRevokedKeyIsRefusedByTheOtherInstanceWithinASecond() {
        TestTenant tenant = this.tenants.create("prop-revoke", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        assertThat(onOther(tenant.apiKey())).as("cached on the other instance").isEqualTo(200);
        Instant revoked = Instant.now();
        admin().send(TestInfrastructure.ADMIN_TOKEN, HttpMethod.POST,
                "/admin/v1/tenants/" + tenant.id() + "/keys/" + tenant.keyId() + "/revoke", null);
        Duration took = untilOtherAnswers(tenant.apiKey(), 401, revoked);
        log.info("Revocation reached the other instance in {} ms", took.toMillis());
        assertThat(took).isLessThan(LIMIT);
    }

    @Test
    void aSuspendedTenantIsRefusedByTheOtherInstanceWithinASecond() {
        TestTenant tenant = this.tenants.create("prop-suspend", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        assertThat(onOther(tenant.apiKey())).isEqualTo(200);
        Instant suspended = Instant.now();
        admin().send(TestInfrastructure.ADMIN_TOKEN, HttpMethod.POST, "/admin/v1/tenants/" + tenant.id() + "/suspend", null);
        Duration took = untilOtherAnswers(tenant.apiKey(), 403, suspended);
        log.info("Suspension reached the other instance in {} ms", took.toMillis());
        assertThat(took).isLessThan(LIMIT);
    }

    @Test
    void theEndOfAGracePeriodIsEnforcedByTheOtherInstanceWithinASecond() {
        TestTenant tenant = this.tenants.create("prop-grace", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        assertThat(onOther(tenant.apiKey())).isEqualTo(200);
        Instant rotated = Instant.now();
        AdminClient.Reply reply = admin().send(TestInfrastructure.ADMIN_TOKEN, HttpMethod.POST,
                "/admin/v1/tenants/" + tenant.id() + "/keys/" + tenant.keyId() + "/rotate", "{\"gracePeriodSeconds\":2}");
        String successor = reply.json().get("secret").stringValue();
        Instant graceEnds = Instant.parse(admin().send(TestInfrastructure.ADMIN_TOKEN, HttpMethod.GET,
                "/admin/v1/tenants/" + tenant.id() + "/keys", null).json().findValues("expiresAt").stream()
            .filter(value -> !value.isNull()).findFirst().orElseThrow().stringValue());
        assertThat(graceEnds).isBetween(rotated.plusSeconds(1), rotated.plusSeconds(4));
        assertThat(onOther(tenant.apiKey())).as("still valid during the grace period").isEqualTo(200);
        assertThat(onOther(successor)).isEqualTo(200);
        Duration took = untilOtherAnswers(tenant.apiKey(), 401, graceEnds);
        log.info("The grace period's end was enforced by the other instance {} ms after it ended", took.toMillis());
        assertThat(took).isLessThan(LIMIT);
        assertThat(onOther(successor)).isEqualTo(200);
    }

    private AdminClient admin() {
        return new AdminClient(this.web);
    }

    /** Polls the other instance until it answers {@code status}; how long after {@code since} it did. */
    private static Duration untilOtherAnswers(String key, int status, Instant since) {
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline)) {
            if (onOther(key) == status) {
                Duration took = Duration.between(since, Instant.now());
                return took.isNegative() ? Duration.ZERO : took;
            }
            try {
                Thread.sleep(10);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Duration.ofSeconds(10);
    }

    private static int onOther(String key) {
        Integer status = otherClient.get().uri("/vapi/assistant").header("Authorization", "Bearer " + key)
            .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
            .block(Duration.ofSeconds(5));
        return (status != null) ? status : -1;
    }
}
