package com.intellidial.gateway.provisioning;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Provisioning runs by idempotency key (table {@code provisioning_operations}). */
@Repository
class ProvisioningOperations {

    private final DatabaseClient db;

    ProvisioningOperations(DatabaseClient db) {
        this.db = db;
    }

    /** The run for this key: a new one in state {@code started}, or the one recorded before (resumed). */
    Mono<Started> start(String key, String tenantId) {
        return this.db.sql("insert into provisioning_operations (idempotency_key, tenant_id, state)"
                + " values (:k, :t, 'started') on conflict (idempotency_key) do nothing")
            .bind("k", key)
            .bind("t", tenantId)
            .fetch()
            .rowsUpdated()
            .flatMap((inserted) -> this.db.sql("select * from provisioning_operations where idempotency_key = :k")
                .bind("k", key)
                .map((row) -> new Operation(String.valueOf(row.get("idempotency_key", String.class)),
                        String.valueOf(row.get("tenant_id", String.class)), String.valueOf(row.get("state", String.class)),
                        row.get("account_sid", String.class), row.get("phone_number", String.class),
                        row.get("phone_number_sid", String.class), row.get("vapi_phone_number_id", String.class)))
                .one()
                .map((operation) -> new Started(operation, inserted == 0)));
    }

    /** Records the run's progress. */
    Mono<Operation> save(Operation operation) {
        DatabaseClient.GenericExecuteSpec update = this.db
            .sql("update provisioning_operations set state = :s, account_sid = :a, phone_number = :n,"
                    + " phone_number_sid = :p, vapi_phone_number_id = :v, updated_at = now() where idempotency_key = :k")
            .bind("k", operation.key())
            .bind("s", operation.state());
        update = bindNullable(update, "a", operation.accountSid());
        update = bindNullable(update, "n", operation.phoneNumber());
        update = bindNullable(update, "p", operation.phoneNumberSid());
        update = bindNullable(update, "v", operation.vapiPhoneNumberId());
        return update.then().thenReturn(operation);
    }

    private static DatabaseClient.GenericExecuteSpec bindNullable(DatabaseClient.GenericExecuteSpec spec, String name,
            @Nullable String value) {
        return (value != null) ? spec.bind(name, value) : spec.bindNull(name, String.class);
    }

    /**
     * A run as found at its start.
     * @param operation the run
     * @param resumed whether an earlier request started it (it may have bought a number already)
     */
    record Started(Operation operation, boolean resumed) {
    }

    /**
     * One provisioning run.
     * @param key the idempotency key
     * @param tenantId the tenant it provisions for
     * @param state {@code started}, {@code bought}, {@code imported} or {@code compensated}
     * @param accountSid the Twilio account the number was bought into
     * @param phoneNumber the number (E.164)
     * @param phoneNumberSid the number's {@code PN...} SID
     * @param vapiPhoneNumberId the VAPI phone-number it was imported as
     */
    record Operation(String key, String tenantId, String state, @Nullable String accountSid,
            @Nullable String phoneNumber, @Nullable String phoneNumberSid, @Nullable String vapiPhoneNumberId) {

        Operation bought(String accountSid, String phoneNumber, String phoneNumberSid) {
            return new Operation(this.key, this.tenantId, "bought", accountSid, phoneNumber, phoneNumberSid, null);
        }

        Operation imported(String vapiPhoneNumberId) {
            return new Operation(this.key, this.tenantId, "imported", this.accountSid, this.phoneNumber,
                    this.phoneNumberSid, vapiPhoneNumberId);
        }

        Operation compensated() {
            return new Operation(this.key, this.tenantId, "compensated", this.accountSid, this.phoneNumber,
                    this.phoneNumberSid, null);
        }
    }
}
