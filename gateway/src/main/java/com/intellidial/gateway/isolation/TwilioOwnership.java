package com.intellidial.gateway.isolation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.intellidial.gateway.cluster.ClusterEventListener;
import com.intellidial.gateway.cluster.ClusterEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * Which Twilio numbers and calls belong to which tenant (tables {@code twilio_numbers} and
 * {@code twilio_calls}): the ownership the gateway enforces for tenants of the shared platform
 * account, and the StatusCallback a tenant asked for on a call the gateway placed.
 * <p>
 * Reads go through two Caffeine caches so that a warm shared-pool request reads no database:
 * a tenant's numbers (evicted by every write, here and on the other instances through the
 * {@value #CHANNEL} cluster channel, and expiring after the ownership TTL), and placed calls. A
 * call never changes owner, so only calls found are cached: one not found (perhaps just placed
 * through another instance) is looked up again on the next request. Concurrent misses share one
 * query, and each database read counts in {@code gateway.isolation.twilio-ownership.loads}.
 */
@Repository
public class TwilioOwnership extends ClusterEventListener {

    /** The cluster channel that carries number evictions (payload: the tenant id). */
    static final String CHANNEL = "gateway_twilio_numbers";

    private static final Logger log = LoggerFactory.getLogger(TwilioOwnership.class);

    private final DatabaseClient db;

    private final AsyncLoadingCache<String, List<OwnedNumber>> numbers;

    private final AsyncLoadingCache<String, CallRecord> calls;

    private final Counter loads;


    TwilioOwnership(DatabaseClient db, ClusterEvents events, IsolationProperties properties, MeterRegistry meters) {
        super(events, CHANNEL);
        this.db = db;
        this.loads = Counter.builder("gateway.isolation.twilio-ownership.loads")
            .description("Twilio number and call ownership lookups that went to the database")
            .register(meters);
        this.numbers = Caffeine.newBuilder()
            .maximumSize(properties.cacheSize() / 10)
            .expireAfterWrite(properties.ownershipTtl())
            .buildAsync((String tenantId, Executor executor) -> loadNumbers(tenantId));
        this.calls = Caffeine.newBuilder()
            .maximumSize(properties.cacheSize())
            .expireAfterWrite(properties.ownershipTtl())
            .buildAsync(new CallLoader());
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

    /** The tenant's numbers. */
    public Mono<List<OwnedNumber>> numbers(String tenantId) {
        return Mono.fromFuture(() -> this.numbers.get(tenantId));
    }

    private CompletableFuture<List<OwnedNumber>> loadNumbers(String tenantId) {
        this.loads.increment();
        return this.db.sql("select phone_number_sid, phone_number, account_sid, vapi_phone_number_id from twilio_numbers"
                + " where tenant_id = :t")
            .bind("t", tenantId)
            .map((row) -> new OwnedNumber(String.valueOf(row.get("phone_number_sid", String.class)),
                    String.valueOf(row.get("phone_number", String.class)),
                    String.valueOf(row.get("account_sid", String.class)),
                    row.get("vapi_phone_number_id", String.class)))
            .all()
            .collectList()
            .toFuture();
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
            .map((rows) -> rows > 0)
            .flatMap((added) -> evict(tenantId).thenReturn(added));
    }

    /** Forgets a number of the tenant (released). */
    public Mono<Void> removeNumber(String tenantId, String phoneNumberSid) {
        return this.db.sql("delete from twilio_numbers where tenant_id = :t and phone_number_sid = :sid")
            .bind("t", tenantId)
            .bind("sid", phoneNumberSid)
            .then()
            .then(evict(tenantId));
    }

    /** Evicts the tenant's numbers here, then on the other instances (best effort: the TTL bounds a missed message). */
    private Mono<Void> evict(String tenantId) {
        return Mono.fromRunnable(() -> this.numbers.synchronous().invalidate(tenantId))
            .then(publish(tenantId))
            .onErrorResume((ex) -> {
                log.warn("Could not publish a Twilio number eviction ({}); other instances catch up by TTL", ex.toString());
                return Mono.empty();
            });
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
        return Mono.fromFuture(() -> this.calls.getAll(callSids))
            .map((found) -> callSids.stream()
                .filter((sid) -> found.containsKey(sid) && found.get(sid).tenantId().equals(tenantId))
                .toList());
    }

    /** The call's record if the tenant placed it through the gateway. */
    public Mono<PlacedCall> call(String tenantId, String callSid) {
        return Mono.fromFuture(() -> this.calls.get(callSid))
            .filter((found) -> found.tenantId().equals(tenantId))
            .map((found) -> new PlacedCall(callSid, found.statusCallback()));
    }

    /** Another instance changed a tenant's numbers: forget them here. */
    @Override
    protected void onClusterEvent(String tenantId) {
        this.numbers.synchronous().invalidate(tenantId);
    }




    /** Loads the calls found, all in one query; calls not found are left out, so not cached. */
    private final class CallLoader implements AsyncCacheLoader<String, CallRecord> {

        @Override
        public CompletableFuture<@Nullable CallRecord> asyncLoad(String callSid, Executor executor) {
            return asyncLoadAll(Set.of(callSid), executor).thenApply((found) -> found.get(callSid));
        }

        @Override
        public CompletableFuture<Map<String, CallRecord>> asyncLoadAll(Set<? extends String> callSids, Executor executor) {
            TwilioOwnership.this.loads.increment();
            return TwilioOwnership.this.db
                .sql("select call_sid, tenant_id, status_callback from twilio_calls where call_sid = any(:c)")
                .bind("c", callSids.toArray(String[]::new))
                .map((row) -> Map.entry(String.valueOf(row.get("call_sid", String.class)),
                        new CallRecord(String.valueOf(row.get("tenant_id", String.class)),
                                row.get("status_callback", String.class))))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .toFuture();
        }
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

    /** A placed call's owner and the StatusCallback it asked for. */
    private record CallRecord(String tenantId, @Nullable String statusCallback) {
    }
}
