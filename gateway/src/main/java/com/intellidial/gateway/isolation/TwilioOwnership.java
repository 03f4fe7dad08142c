package com.intellidial.gateway.isolation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * Which Twilio numbers and calls belong to which tenant (tables {@code twilio_numbers} and
 * {@code twilio_calls}): the ownership the gateway enforces for tenants of the shared platform
 * account, and the StatusCallback a tenant asked for on a call the gateway placed.
 */
@Repository
public class TwilioOwnership {

    private final DatabaseClient db;

    TwilioOwnership(DatabaseClient db) {
        this.db = db;
    }

    /**
     * The Account SID a shared-pool tenant sees instead of the platform's: stable per tenant and
     * never the platform SID, so neither responses nor relayed webhooks reveal the shared account.
     */
    public static String poolAccountSid(String tenantId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(("intellidial-twilio-pool:" + tenantId).getBytes(StandardCharsets.UTF_8));
            return "AC" + HexFormat.of().formatHex(digest, 0, 16);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
        }
    }

    /** The tenant's numbers in one account. */
    public Mono<List<OwnedNumber>> numbers(String tenantId) {
        return this.db.sql("select phone_number_sid, phone_number, account_sid, vapi_phone_number_id from twilio_numbers"
                + " where tenant_id = :t")
            .bind("t", tenantId)
            .map((row) -> new OwnedNumber(String.valueOf(row.get("phone_number_sid", String.class)),
                    String.valueOf(row.get("phone_number", String.class)),
                    String.valueOf(row.get("account_sid", String.class)),
                    row.get("vapi_phone_number_id", String.class)))
            .all()
            .collectList();
    }

    /** Records that the tenant owns a number; a number already owned by another tenant stays theirs. */
    public Mono<Boolean> addNumber(String tenantId, OwnedNumber number) {
        return this.db.sql("insert into twilio_numbers (phone_number_sid, tenant_id, account_sid, phone_number,"
                + " vapi_phone_number_id) values (:sid, :t, :a, :n, :v) on conflict (phone_number_sid) do update"
                + " set vapi_phone_number_id = excluded.vapi_phone_number_id where twilio_numbers.tenant_id = :t")
            .bind("sid", number.sid())
            .bind("t", tenantId)
            .bind("a", number.accountSid())
            .bind("n", number.phoneNumber())
            .bind("v", Optional.ofNullable(number.vapiPhoneNumberId()).orElse(""))
            .fetch()
            .rowsUpdated()
            .map((rows) -> rows > 0);
    }

    /** Forgets a number of the tenant (released). */
    public Mono<Void> removeNumber(String tenantId, String phoneNumberSid) {
        return this.db.sql("delete from twilio_numbers where tenant_id = :t and phone_number_sid = :sid")
            .bind("t", tenantId)
            .bind("sid", phoneNumberSid)
            .then();
    }

    /** Records a call the tenant placed through the gateway and the StatusCallback it asked for. */
    Mono<Void> addCall(String tenantId, String callSid, @Nullable String statusCallback) {
        DatabaseClient.GenericExecuteSpec insert = this.db
            .sql("insert into twilio_calls (call_sid, tenant_id, status_callback) values (:c, :t, :s)"
                    + " on conflict (call_sid) do nothing")
            .bind("c", callSid)
            .bind("t", tenantId);
        insert = (statusCallback != null) ? insert.bind("s", statusCallback) : insert.bindNull("s", String.class);
        return insert.then();
    }

    /** Calls of the tenant among {@code callSids}. */
    Mono<List<String>> ownedCalls(String tenantId, List<String> callSids) {
        if (callSids.isEmpty()) {
            return Mono.just(List.of());
        }
        return this.db.sql("select call_sid from twilio_calls where tenant_id = :t and call_sid = any(:c)")
            .bind("t", tenantId)
            .bind("c", callSids.toArray(String[]::new))
            .map((row) -> String.valueOf(row.get("call_sid", String.class)))
            .all()
            .collectList();
    }

    /** The call's record if the tenant placed it through the gateway. */
    public Mono<PlacedCall> call(String tenantId, String callSid) {
        return this.db.sql("select status_callback from twilio_calls where tenant_id = :t and call_sid = :c")
            .bind("t", tenantId)
            .bind("c", callSid)
            .map((row) -> new PlacedCall(callSid, row.get("status_callback", String.class)))
            .one();
    }

    /**
     * A number a tenant owns.
     * @param sid the {@code PN...} SID
     * @param phoneNumber E.164
     * @param accountSid the Twilio account holding it
     * @param vapiPhoneNumberId the VAPI phone-number it was imported as, if any
     */
    public record OwnedNumber(String sid, String phoneNumber, String accountSid, @Nullable String vapiPhoneNumberId) {

        public OwnedNumber {
            vapiPhoneNumberId = (vapiPhoneNumberId == null || vapiPhoneNumberId.isEmpty()) ? null : vapiPhoneNumberId;
        }
    }

    /**
     * A call placed through the gateway.
     * @param callSid the {@code CA...} SID
     * @param statusCallback the tenant's own StatusCallback URL, if it gave one
     */
    public record PlacedCall(String callSid, @Nullable String statusCallback) {
    }
}
