package com.intellidial.gateway.webhooks;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;

import static org.assertj.core.api.Assertions.assertThat;

/** Status callbacks are deduplicated on (CallSid, SequenceNumber) for the retention, then forgotten. */
@GatewayIntegrationTest
class TwilioStatusEventsIntegrationTests {

    @Autowired
    TwilioStatusEvents events;

    @Autowired
    TestTenants tenants;

    @Autowired
    DatabaseClient database;

    @Test
    void aRedeliveryIsRefusedUntilTheRetentionHasPassed() {
        TestTenant tenant = this.tenants.create("status-purge");
        String old = "CA" + "0".repeat(16) + Long.toHexString(System.nanoTime()).substring(0, 8) + "aaaaaaaa";
        String recent = old.replace("aaaaaaaa", "bbbbbbbb");
        assertThat(this.events.firstDelivery(tenant.id(), old, 0, "initiated").block()).isTrue();
        assertThat(this.events.firstDelivery(tenant.id(), old, 0, "initiated").block()).as("redelivered").isFalse();
        assertThat(this.events.firstDelivery(tenant.id(), recent, 0, "initiated").block()).isTrue();
        this.database.sql("update twilio_status_events set received_at = now() - interval '40 days' where call_sid = $1")
            .bind(0, old)
            .then()
            .block(Duration.ofSeconds(10));

        assertThat(this.events.purge(Duration.ofDays(35)).block(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(1L);

        assertThat(this.events.firstDelivery(tenant.id(), old, 0, "initiated").block()).as("forgotten").isTrue();
        assertThat(this.events.firstDelivery(tenant.id(), recent, 0, "initiated").block()).as("still known").isFalse();
    }
}
