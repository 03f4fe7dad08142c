package com.intellidial.gateway.metering;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Reads usage reports from the ledger's hourly counters, for tenants and admins alike. */
@Component
public class UsageReports {

    private static final String SQL = """
            select date_trunc($2, hour at time zone 'UTC') at time zone 'UTC' as start,
                sum(requests) as requests, sum(errors) as errors, sum(request_bytes) as request_bytes,
                sum(response_bytes) as response_bytes, sum(upstream_millis) as upstream_millis,
                sum(calls_created) as calls_created, sum(calls_ended) as calls_ended, sum(call_minutes) as call_minutes,
                sum(call_cost_usd) as call_cost_usd, sum(twilio_calls) as twilio_calls,
                sum(twilio_call_seconds) as twilio_call_seconds, sum(twilio_messages) as twilio_messages,
                sum(twilio_cost_usd) as twilio_cost_usd
            from usage_hourly
            where tenant_id = $1 and hour >= $3 and hour < $4
            group by 1 order by 1
            """;

    private final DatabaseClient database;

    UsageReports(DatabaseClient database) {
        this.database = database;
    }

    /** The tenant's usage for the query; buckets without usage are left out. */
    public Mono<UsageReport> report(String tenantId, UsageQuery query) {
        return this.database.sql(SQL)
            .bind(0, tenantId)
            .bind(1, query.granularity().wire())
            .bind(2, query.from())
            .bind(3, query.to())
            .map(UsageReports::bucket)
            .all()
            .collectList()
            .map(buckets -> new UsageReport(tenantId, query.from(), query.to(), query.granularity().wire(), buckets));
    }

    private static UsageReport.Bucket bucket(Readable row) {
        return new UsageReport.Bucket(instant(row.get("start")), number(row, "requests"), number(row, "errors"),
                number(row, "request_bytes"), number(row, "response_bytes"), number(row, "upstream_millis"),
                number(row, "calls_created"), number(row, "calls_ended"), decimal(row, "call_minutes"),
                decimal(row, "call_cost_usd"), number(row, "twilio_calls"), number(row, "twilio_call_seconds"),
                number(row, "twilio_messages"), decimal(row, "twilio_cost_usd"));
    }

    private static Instant instant(Object value) {
        return (value instanceof OffsetDateTime time) ? time.toInstant() : (Instant) value;
    }

    private static long number(Readable row, String column) {
        Number value = row.get(column, Number.class);
        return (value != null) ? value.longValue() : 0;
    }

    private static BigDecimal decimal(Readable row, String column) {
        BigDecimal value = row.get(column, BigDecimal.class);
        return (value != null) ? value.stripTrailingZeros() : BigDecimal.ZERO;
    }
}
