package com.intellidial.gateway.webhooks;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Status callbacks already accepted, keyed by {@code (CallSid, SequenceNumber)} (table {@code twilio_status_events}). */
@Repository
class TwilioStatusEvents {

    private final DatabaseClient db;

    TwilioStatusEvents(DatabaseClient db) {
        this.db = db;
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
