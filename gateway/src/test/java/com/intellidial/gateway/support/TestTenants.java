package com.intellidial.gateway.support;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.intellidial.gateway.credentials.LocalSecretStore;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.tenant.ApiKey;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Creates a fresh tenant with its own gateway key and its own upstream accounts for each test
 * scenario (no shared fixtures, no dirty contexts), in the real database and secret store.
 */
@TestComponent
public class TestTenants {

    private static final AtomicInteger SLOTS = new AtomicInteger();

    /** Key ids only need to be unique: they take no slot of the simulator's account pool. */
    private static final AtomicInteger KEYS = new AtomicInteger();

    private final DatabaseClient db;

    private final @Nullable LocalSecretStore secrets;

    TestTenants(DatabaseClient db, @Nullable LocalSecretStore secrets) {
        this.db = db;
        this.secrets = secrets;
    }

    /**
     * Tenants for a gateway whose secrets are not in a {@link LocalSecretStore} (Vault): only the
     * database rows and keys are created; the caller writes the upstream secrets to its store.
     */
    public static TestTenants withoutLocalSecrets(DatabaseClient db) {
        return new TestTenants(db, null);
    }

    /** A dedicated-org tenant with its own Twilio account (byo-twilio). */
    public TestTenant create(String prefix) {
        return create(prefix, VapiMode.DEDICATED_ORG, TelephonyMode.BYO_TWILIO);
    }

    /** A tenant with the given modes, its key, and its upstream secrets in the local store. */
    public TestTenant create(String prefix, VapiMode vapiMode, TelephonyMode telephonyMode) {
        int slot = SLOTS.incrementAndGet();
        if (slot > TestUpstream.POOL_SIZE) {
            throw new IllegalStateException("The simulator's account pool is exhausted; raise TestUpstream.POOL_SIZE");
        }
        String id = (prefix + "-" + slot).toLowerCase(Locale.ROOT);
        this.db.sql("insert into tenants (id, name, vapi_mode, telephony_mode) values (:id, :name, :vapi, :tel)")
            .bind("id", id)
            .bind("name", "Test tenant " + id)
            .bind("vapi", vapiMode.wire())
            .bind("tel", telephonyMode.wire())
            .then()
            .block();
        ApiKey key = issueKey(id, null);
        LocalSecretStore store = this.secrets;
        if (store != null) {
            store.put(SecretPath.tenantVapi(id), Map.of("api_key", TestUpstream.vapiKey(slot)));
            store.put(SecretPath.tenantTwilio(id),
                    Map.of("account_sid", TestUpstream.accountSid(slot), "auth_token", TestUpstream.twilioToken(slot)));
        }
        return new TestTenant(id, key.value(), key.keyId(), slot);
    }

    /** Issues another key for the tenant, optionally expiring. */
    public ApiKey issueKey(String tenantId, @Nullable Instant expiresAt) {
        String keyId = "k" + Long.toString(System.nanoTime(), 36) + KEYS.incrementAndGet();
        ApiKey key = ApiKey.generate("test", keyId.length() > 32 ? keyId.substring(0, 32) : keyId);
        DatabaseClient.GenericExecuteSpec insert = this.db
            .sql("insert into api_keys (key_id, tenant_id, env, secret_sha256, expires_at) values (:k, :t, :e, :h, :x)")
            .bind("k", key.keyId())
            .bind("t", tenantId)
            .bind("e", key.env())
            .bind("h", key.secretHash());
        insert = (expiresAt != null) ? insert.bind("x", expiresAt) : insert.bindNull("x", Instant.class);
        insert.then().block();
        return key;
    }

    /** Marks a key revoked in the database (callers evict it from the cache as the admin API will). */
    public void revoke(String keyId) {
        this.db.sql("update api_keys set status = 'revoked', revoked_at = now() where key_id = :k").bind("k", keyId).then().block();
    }

    /** Suspends a tenant in the database. */
    public void suspend(String tenantId) {
        this.db.sql("update tenants set status = 'suspended' where id = :t").bind("t", tenantId).then().block();
    }

    /**
     * A tenant created for one test.
     * @param id tenant id
     * @param apiKey its gateway key
     * @param keyId the key's id
     * @param slot its slot in the simulator's account pool
     */
    public record TestTenant(String id, String apiKey, String keyId, int slot) {

        /** The VAPI key the gateway must inject for this (dedicated-org) tenant. */
        public String vapiKey() {
            return TestUpstream.vapiKey(this.slot);
        }

        /** The VAPI org the simulator files this tenant's resources under. */
        public String vapiOrg() {
            return TestUpstream.vapiOrg(this.slot);
        }

        /** The tenant's Twilio Account SID. */
        public String accountSid() {
            return TestUpstream.accountSid(this.slot);
        }

        /** The tenant's Twilio auth token. */
        public String twilioToken() {
            return TestUpstream.twilioToken(this.slot);
        }
    }
}
