package com.intellidial.gateway.isolation;

import java.time.Duration;
import java.util.UUID;

import com.intellidial.gateway.cluster.ClusterEvents;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The ownership store's contract on PostgreSQL: one owner per resource, aliases that move, eviction by cluster message. */
@GatewayIntegrationTest
class OwnershipStoreIntegrationTests {

    @Autowired
    OwnershipStore store;

    @Autowired
    TestTenants tenants;

    @Autowired
    DatabaseClient db;

    @Autowired
    ClusterEvents events;

    @Autowired
    WebTestClient client;

    @Test
    void aResourceHasOneOwnerAndAnAliasNamesOneResource() {
        TestTenant acme = shared("store-a");
        TestTenant globex = shared("store-b");
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        String globexDefault = UUID.randomUUID().toString();
        this.store.record(globex.id(), "vapi", "assistant", globexDefault, "default").block();
        this.store.record(acme.id(), "vapi", "assistant", first, "default").block();
        this.store.record(globex.id(), "vapi", "assistant", first, "default").block();
        assertThat(this.store.ownerOf("vapi", "assistant", first).block()).isEqualTo(acme.id());
        assertThat(this.store.isOwnedBy(globex.id(), "vapi", "assistant", first).block()).isFalse();
        assertThat(this.store.resolveAlias(globex.id(), "vapi", "assistant", "default").block())
            .as("recording someone else's resource changes nothing").isEqualTo(globexDefault);
        assertThat(this.store.isOwnedBy(acme.id(), "vapi", "tool", first).block()).as("types are distinct").isFalse();

        this.store.record(acme.id(), "vapi", "assistant", second, "default").block();
        assertThat(this.store.resolveAlias(acme.id(), "vapi", "assistant", "default").block()).isEqualTo(second);
        this.store.forget(globex.id(), "vapi", "assistant", second).block();
        assertThat(this.store.ownerOf("vapi", "assistant", second).block()).as("only the owner forgets").isEqualTo(acme.id());
        this.store.forget(acme.id(), "vapi", "assistant", second).block();
        assertThat(this.store.ownerOf("vapi", "assistant", second).blockOptional()).isEmpty();
        assertThat(this.store.resolveAlias(acme.id(), "vapi", "assistant", "default").blockOptional()).isEmpty();
    }

    @Test
    void anotherInstancesWriteIsSeenOnceItsEvictionArrives() {
        TestTenant acme = shared("evict-a");
        TestTenant globex = shared("evict-b");
        VapiClient vapi = new VapiClient(this.client);
        String assistant = vapi.create(acme, "/assistant", "{\"name\":\"moving\"}");
        assertThat(vapi.get(globex, "/assistant/" + assistant).status()).isEqualTo(404);
        // The create published an eviction this instance also receives: let it arrive (and the
        // cache warm up again) before the database changes behind the cache's back.
        await().pollDelay(Duration.ofMillis(100)).during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
            .until(() -> vapi.get(acme, "/assistant/" + assistant).status() == 200);
        // An admin on another instance reassigns it: the database changes, this instance's cache does not...
        this.db.sql("update ownership set tenant_id = :t where upstream_id = :id")
            .bind("t", globex.id()).bind("id", assistant).then().block();
        assertThat(vapi.get(acme, "/assistant/" + assistant).status()).isEqualTo(200);
        // ...until the eviction that instance publishes arrives.
        this.events.publish(CachingOwnershipStore.CHANNEL, "o\tvapi\tassistant\t" + assistant).block();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(vapi.get(acme, "/assistant/" + assistant).status()).isEqualTo(404);
            assertThat(vapi.get(globex, "/assistant/" + assistant).status()).isEqualTo(200);
        });
    }

    private TestTenant shared(String prefix) {
        return this.tenants.create(prefix, VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
    }
}
