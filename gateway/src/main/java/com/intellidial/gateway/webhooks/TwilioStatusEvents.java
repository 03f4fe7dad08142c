package com.intellidial.gateway.webhooks;

import java.time.Duration;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

import com.intellidial.gateway.metering.RetentionPurge;

/** Status callbacks already accepted, keyed by {@code (CallSid, SequenceNumber)} (table {@code twilio_status_events}). */
@Repository
class TwilioStatusEvents {

    private final DatabaseClient db;

    TwilioStatusEvents(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Forgets callbacks accepted more than {@code retention} ago; Twilio's retries come within
     * hours, so a redelivery after that cannot be told from a new callback.
     */
    Mono<Long> purge(Duration retention) {
        return new RetentionPurge(this.db, "twilio_status_events", "received_at", RetentionPurge.DEFAULT_BATCH)
            .olderThan(retention);
    }

    /** Records the event; emits {@code true} the first time, {@code false} for a redelivery. */
    Mono<Boolean> firstDelivery(String tenantId, String callSid, int sequenceNumber, String callStatus) {
        return this.db.sql("insert into twilio_status_events (call_sid, sequence_number, tenant_id, call_status)"
                + " values (:c, :n, :t, :s) on conflict do nothing")
            .bind("c", callSid)
            .bind("n", sequenceNumber)
            .bind("t", tenantId)
            .bind("s", callStatus)
            .fetch()
            .rowsUpdated()
            .map((rows) -> rows > 0);
    }
}
