package com.intellidial.gateway.metering;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a batch of usage events to the ledger in one SQL statement, so the batch is counted
 * completely or not at all. The statement first inserts every idempotency key into
 * {@code usage_events} ({@code on conflict do nothing}); only the keys it inserted feed the hourly
 * counters, the per-call rows and budget settlement. Replaying a batch, or writing the same event
 * from two instances, therefore changes nothing the second time.
 */
final class LedgerWriter {

    /**
     * The batch arrives as one JSON array ({@code $1}), turned into rows by
     * {@code jsonb_to_recordset}. Every data-modifying CTE runs exactly once per statement.
     */
    static final String SQL = """
            with input as (
                select * from jsonb_to_recordset($1::jsonb) as t(
                    key text, tenant text, kind text, occurred timestamptz, hour timestamptz, month date,
                    requests bigint, errors bigint, request_bytes bigint, response_bytes bigint, upstream_millis bigint,
                    calls_created bigint, calls_ended bigint, call_minutes numeric, call_cost_usd numeric,
                    twilio_calls bigint, twilio_call_seconds bigint, twilio_messages bigint, twilio_cost_usd numeric,
                    call_id text, call_created_at timestamptz, call_started_at timestamptz, call_ended_at timestamptz,
                    ended_reason text, cost_breakdown jsonb)
            ),
            new as (
                insert into usage_events (idempotency_key, tenant_id, kind, occurred_at)
                select key, tenant, kind, occurred from input
                on conflict do nothing
                returning idempotency_key
            ),
            fresh as (
                select input.* from input join new on new.idempotency_key = input.key
            ),
            hourly as (
                insert into usage_hourly as h (tenant_id, hour, requests, errors, request_bytes, response_bytes,
                    upstream_millis, calls_created, calls_ended, call_minutes, call_cost_usd, twilio_calls,
                    twilio_call_seconds, twilio_messages, twilio_cost_usd)
                select tenant, hour, sum(requests), sum(errors), sum(request_bytes), sum(response_bytes),
                    sum(upstream_millis), sum(calls_created), sum(calls_ended), sum(call_minutes), sum(call_cost_usd),
                    sum(twilio_calls), sum(twilio_call_seconds), sum(twilio_messages), sum(twilio_cost_usd)
                from fresh group by tenant, hour
                on conflict (tenant_id, hour) do update set
                    requests = h.requests + excluded.requests,
                    errors = h.errors + excluded.errors,
                    request_bytes = h.request_bytes + excluded.request_bytes,
                    response_bytes = h.response_bytes + excluded.response_bytes,
                    upstream_millis = h.upstream_millis + excluded.upstream_millis,
                    calls_created = h.calls_created + excluded.calls_created,
                    calls_ended = h.calls_ended + excluded.calls_ended,
                    call_minutes = h.call_minutes + excluded.call_minutes,
                    call_cost_usd = h.call_cost_usd + excluded.call_cost_usd,
                    twilio_calls = h.twilio_calls + excluded.twilio_calls,
                    twilio_call_seconds = h.twilio_call_seconds + excluded.twilio_call_seconds,
                    twilio_messages = h.twilio_messages + excluded.twilio_messages,
                    twilio_cost_usd = h.twilio_cost_usd + excluded.twilio_cost_usd
                returning 1
            ),
            call_rows as (
                insert into calls as c (call_id, tenant_id, created_at, started_at, ended_at, minutes, cost_usd,
                    cost_breakdown, ended_reason)
                select call_id, min(tenant), max(call_created_at), max(call_started_at), max(call_ended_at),
                    max(call_minutes) filter (where kind = 'call-ended'),
                    max(call_cost_usd) filter (where kind = 'call-ended'),
                    (array_agg(cost_breakdown) filter (where cost_breakdown is not null))[1],
                    max(ended_reason)
                from fresh where call_id is not null group by call_id
                on conflict (call_id) do update set
                    created_at = coalesce(c.created_at, excluded.created_at),
                    started_at = coalesce(c.started_at, excluded.started_at),
                    ended_at = coalesce(c.ended_at, excluded.ended_at),
                    minutes = coalesce(c.minutes, excluded.minutes),
                    cost_usd = coalesce(c.cost_usd, excluded.cost_usd),
                    cost_breakdown = coalesce(c.cost_breakdown, excluded.cost_breakdown),
                    ended_reason = coalesce(c.ended_reason, excluded.ended_reason)
                returning 1
            ),
            settled as (
                delete from budget_reservations r using fresh f
                where f.kind = 'call-ended' and r.call_id = f.call_id
                returning r.tenant_id, r.month, r.minutes, r.spend_usd
            ),
            budget_moves as (
                select tenant as tenant_id, month, call_minutes as minutes, call_cost_usd as spend
                from fresh where kind = 'call-ended'
                union all
                select tenant_id, month, -minutes, -spend_usd from settled
            ),
            budget as (
                update budget_usage u set
                    minutes_month = greatest(0, u.minutes_month + m.minutes),
                    spend_month_usd = greatest(0, u.spend_month_usd + m.spend)
                from (select tenant_id, month, sum(minutes) as minutes, sum(spend) as spend
                      from budget_moves group by tenant_id, month) m
                where u.tenant_id = m.tenant_id and u.month = m.month
                returning 1
            )
            select count(*) as counted from new
            """;

    private final DatabaseClient database;

    LedgerWriter(DatabaseClient database) {
        this.database = database;
    }

    /**
     * Counts the batch.
     * @param events the events, of the kinds in {@link UsageEventCodec#KINDS}
     * @return how many of them were new (the rest had been counted before)
     */
    Mono<Long> write(List<UsageEvent> events) {
        if (events.isEmpty()) {
            return Mono.just(0L);
        }
        String rows = toRows(events);
        return this.database.sql(SQL).bind(0, rows).map(row -> row.get("counted", Long.class)).one();
    }

    /**
     * Deletes the idempotency keys recorded more than {@code retention} ago. The counters keep what
     * the keys counted; an event replayed after its key is gone would count again, so the retention
     * must outlast any replay (a spill file of a long outage).
     * @return how many keys were deleted
     */
    Mono<Long> purgeKeys(Duration retention) {
        return purgeKeys(retention, RetentionPurge.DEFAULT_BATCH);
    }

    Mono<Long> purgeKeys(Duration retention, int batchSize) {
        return new RetentionPurge(this.database, "usage_events", "recorded_at", batchSize).olderThan(retention);
    }

    /** The batch as the JSON array the statement reads; duplicates within the batch are kept once. */
    static String toRows(List<UsageEvent> events) {
        Map<String, UsageEvent> unique = new LinkedHashMap<>();
        events.forEach(event -> unique.putIfAbsent(event.idempotencyKey(), event));
        ArrayNode rows = UsageEventCodec.JSON.createArrayNode();
        new ArrayList<>(unique.values()).forEach(event -> rows.add(row(event)));
        return UsageEventCodec.JSON.writeValueAsString(rows);
    }

    private static ObjectNode row(UsageEvent event) {
        ObjectNode row = UsageEventCodec.JSON.createObjectNode();
        row.put("key", event.idempotencyKey());
        row.put("tenant", event.tenantId());
        row.put("kind", UsageEventCodec.kind(event));
        row.put("occurred", event.occurredAt().toString());
        row.put("hour", event.occurredAt().truncatedTo(ChronoUnit.HOURS).toString());
        if (event instanceof RequestUsage request) {
            row.put("requests", 1);
            row.put("errors", (request.status() >= 400) ? 1 : 0);
            row.put("request_bytes", request.requestBytes());
            row.put("response_bytes", request.responseBytes());
            row.put("upstream_millis", Math.max(0, request.upstreamLatencyMillis()));
        }
        else if (event instanceof CallCreated created) {
            row.put("calls_created", 1);
            row.put("call_id", created.callId());
            row.put("call_created_at", created.occurredAt().toString());
        }
        else if (event instanceof CallEnded ended) {
            row.put("calls_ended", 1);
            row.put("call_minutes", ended.minutes());
            row.put("call_cost_usd", ended.costUsd());
            row.put("call_id", ended.callId());
            row.put("month", monthOf(ended.endedAt()).toString());
            if (ended.startedAt() != null) {
                row.put("call_started_at", ended.startedAt().toString());
            }
            row.put("call_ended_at", ended.endedAt().toString());
            row.put("ended_reason", ended.endedReason());
            row.set("cost_breakdown", UsageEventCodec.JSON.valueToTree(ended.costBreakdown()));
        }
        else if (event instanceof TwilioCallUsage call) {
            row.put("twilio_calls", TwilioCallUsage.FINAL_STATUSES.contains(call.status()) ? 1 : 0);
            row.put("twilio_call_seconds", call.durationSeconds());
            row.put("twilio_cost_usd", (call.priceUsd() != null) ? call.priceUsd().abs() : BigDecimal.ZERO);
        }
        else if (event instanceof TwilioMessageUsage message) {
            row.put("twilio_messages", message.billed() ? 1 : 0);
            row.put("twilio_cost_usd", (message.priceUsd() != null) ? message.priceUsd().abs() : BigDecimal.ZERO);
        }
        zeroMissingCounters(row);
        return row;
    }

    /** The first day of the UTC month of an instant; budgets are kept per calendar month in UTC. */
    static LocalDate monthOf(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC).withDayOfMonth(1);
    }

    private static void zeroMissingCounters(ObjectNode row) {
        for (String counter : List.of("requests", "errors", "request_bytes", "response_bytes", "upstream_millis",
                "calls_created", "calls_ended", "call_minutes", "call_cost_usd", "twilio_calls", "twilio_call_seconds",
                "twilio_messages", "twilio_cost_usd")) {
            if (!row.has(counter)) {
                row.put(counter, 0);
            }
        }
    }
}
