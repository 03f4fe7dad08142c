package com.intellidial.gateway.tenant;

import java.time.Instant;
import java.time.OffsetDateTime;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Reads tenants and gateway keys from PostgreSQL over R2DBC. */
@Repository
public class TenantRepository {

    private static final String FIND_KEY = """
            select k.key_id, k.secret_sha256, k.status as key_status, k.expires_at,
                   t.id, t.name, t.status as tenant_status, t.vapi_mode, t.telephony_mode
            from api_keys k join tenants t on t.id = k.tenant_id
            where k.key_id = :keyId""";

    private static final String FIND_TENANT = """
            select t.id, t.name, t.status as tenant_status, t.vapi_mode, t.telephony_mode
            from tenants t where t.id = :id""";

    private final DatabaseClient db;

    TenantRepository(DatabaseClient db) {
        this.db = db;
    }

    /** The key with this id and its tenant; empty when no such key exists. */
    Mono<KeyRecord> findKey(String keyId) {
        return this.db.sql(FIND_KEY).bind("keyId", keyId).map(TenantRepository::keyRecord).one();
    }

    /** The tenant with this id; empty when unknown. */
    public Mono<Tenant> findTenant(String id) {
        return this.db.sql(FIND_TENANT).bind("id", id).map(TenantRepository::tenant).one();
    }

    private static KeyRecord keyRecord(Readable row) {
        OffsetDateTime expires = row.get("expires_at", OffsetDateTime.class);
        Instant expiresAt = (expires != null) ? expires.toInstant() : null;
        byte[] hash = row.get("secret_sha256", byte[].class);
        return new KeyRecord(row.get("key_id", String.class), (hash != null) ? hash : new byte[0],
                "revoked".equals(row.get("key_status", String.class)), expiresAt, tenant(row));
    }

    private static Tenant tenant(Readable row) {
        return new Tenant(required(row, "id"), required(row, "name"), "suspended".equals(row.get("tenant_status", String.class)),
                VapiMode.fromWire(required(row, "vapi_mode")), TelephonyMode.fromWire(required(row, "telephony_mode")));
    }

    private static String required(Readable row, String column) {
        String value = row.get(column, String.class);
        if (value == null) {
            throw new IllegalStateException("column " + column + " is null");
        }
        return value;
    }
}
