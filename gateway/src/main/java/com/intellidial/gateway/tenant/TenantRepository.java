package com.intellidial.gateway.tenant;

import java.time.Instant;
import java.time.OffsetDateTime;

import java.util.ArrayList;
import java.util.List;

import io.r2dbc.spi.Parameters;
import io.r2dbc.spi.R2dbcType;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Reads and writes tenants and gateway keys in PostgreSQL over R2DBC. */
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

    /** Inserts a new, active tenant; an error when the id is taken. */
    public Mono<Void> insert(Tenant tenant, @Nullable String webhookUrl) {
        DatabaseClient.GenericExecuteSpec insert = this.db.sql("""
                insert into tenants (id, name, vapi_mode, telephony_mode, webhook_url) values ($1, $2, $3, $4, $5)""")
            .bind(0, tenant.id())
            .bind(1, tenant.name())
            .bind(2, tenant.vapiMode().wire())
            .bind(3, tenant.telephonyMode().wire());
        return ((webhookUrl != null) ? insert.bind(4, webhookUrl) : insert.bindNull(4, String.class)).then();
    }

    /** A tenant with everything the admin API shows; empty when unknown. */
    public Mono<TenantDetails> details(String id) {
        return this.db.sql(DETAILS + " where t.id = $1").bind(0, id).map(TenantRepository::toDetails).one();
    }

    /**
     * One page of tenants, ordered by id, optionally filtered.
     * @param status {@code active}, {@code suspended} or {@code offboarded}, or {@code null} for all
     * @param vapiMode a VAPI mode, or {@code null}
     * @param telephonyMode a telephony mode, or {@code null}
     * @param search a substring of the id or name, or {@code null}
     */
    public Mono<List<TenantDetails>> list(@Nullable String status, @Nullable VapiMode vapiMode,
            @Nullable TelephonyMode telephonyMode, @Nullable String search, int limit, long offset) {
        StringBuilder sql = new StringBuilder(DETAILS).append(" where true");
        List<Object> values = new ArrayList<>();
        filter(sql, values, "t.status = ", status);
        filter(sql, values, "t.vapi_mode = ", (vapiMode != null) ? vapiMode.wire() : null);
        filter(sql, values, "t.telephony_mode = ", (telephonyMode != null) ? telephonyMode.wire() : null);
        if (search != null) {
            values.add("%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            sql.append(" and (t.id ilike $").append(values.size()).append(" or t.name ilike $").append(values.size()).append(')');
        }
        sql.append(" order by t.id limit ").append(limit).append(" offset ").append(offset);
        DatabaseClient.GenericExecuteSpec spec = this.db.sql(sql.toString());
        for (int i = 0; i < values.size(); i++) {
            spec = spec.bind(i, values.get(i));
        }
        return spec.map(TenantRepository::toDetails).all().collectList();
    }

    private static void filter(StringBuilder sql, List<Object> values, String condition, @Nullable String value) {
        if (value != null) {
            values.add(value);
            sql.append(" and ").append(condition).append('$').append(values.size());
        }
    }

    /** Changes the given fields (null: unchanged); false when there is no such tenant. */
    public Mono<Boolean> update(String id, @Nullable String name, @Nullable VapiMode vapiMode,
            @Nullable TelephonyMode telephonyMode, @Nullable String webhookUrl, boolean clearWebhookUrl) {
        return this.db.sql("""
                update tenants set name = coalesce($2, name), vapi_mode = coalesce($3, vapi_mode),
                    telephony_mode = coalesce($4, telephony_mode),
                    webhook_url = case when $6 then null else coalesce($5, webhook_url) end, updated_at = now()
                where id = $1""")
            .bind(0, id)
            .bind(1, Parameters.in(R2dbcType.VARCHAR, name))
            .bind(2, Parameters.in(R2dbcType.VARCHAR, (vapiMode != null) ? vapiMode.wire() : null))
            .bind(3, Parameters.in(R2dbcType.VARCHAR, (telephonyMode != null) ? telephonyMode.wire() : null))
            .bind(4, Parameters.in(R2dbcType.VARCHAR, webhookUrl))
            .bind(5, clearWebhookUrl)
            .fetch()
            .rowsUpdated()
            .map(updated -> updated > 0);
    }

    /** Sets the tenant's status ({@code active}, {@code suspended}, {@code offboarded}); false when unknown. */
    public Mono<Boolean> setStatus(String id, String status) {
        return this.db.sql("""
                update tenants set status = $2, updated_at = now(),
                    offboarded_at = case when $2 = 'offboarded' then now() else offboarded_at end
                where id = $1""")
            .bind(0, id)
            .bind(1, status)
            .fetch()
            .rowsUpdated()
            .map(updated -> updated > 0);
    }

    private static final String DETAILS = """
            select t.id, t.name, t.status as tenant_status, t.vapi_mode, t.telephony_mode, t.webhook_url, t.created_at,
                   t.updated_at, (select max(k.last_used_at) from api_keys k where k.tenant_id = t.id) as last_used_at
            from tenants t""";

    private static TenantDetails toDetails(Readable row) {
        return new TenantDetails(tenant(row), String.valueOf(row.get("tenant_status", String.class)),
                row.get("webhook_url", String.class), instant(row, "created_at"), instant(row, "updated_at"),
                instant(row, "last_used_at"));
    }

    static @Nullable Instant instant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return (value != null) ? value.toInstant() : null;
    }

    private static KeyRecord keyRecord(Readable row) {
        OffsetDateTime expires = row.get("expires_at", OffsetDateTime.class);
        Instant expiresAt = (expires != null) ? expires.toInstant() : null;
        byte[] hash = row.get("secret_sha256", byte[].class);
        return new KeyRecord(row.get("key_id", String.class), (hash != null) ? hash : new byte[0],
                "revoked".equals(row.get("key_status", String.class)), expiresAt, tenant(row));
    }

    private static Tenant tenant(Readable row) {
        return new Tenant(required(row, "id"), required(row, "name"), !"active".equals(row.get("tenant_status", String.class)),
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
