package com.intellidial.gateway.metering;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A tenant's usage over a range, summed from the ledger's hourly counters into buckets.
 * @param tenantId the tenant
 * @param from the first hour included
 * @param to the first hour excluded
 * @param granularity {@code hour}, {@code day} or {@code month}
 * @param buckets the non-empty buckets, oldest first
 */
public record UsageReport(String tenantId, Instant from, Instant to, String granularity, List<Bucket> buckets) {

    /** The CSV header, in the order of {@link Bucket}'s components. */
    static final String CSV_HEADER = "start,requests,errors,request_bytes,response_bytes,upstream_millis,calls_created,"
            + "calls_ended,call_minutes,call_cost_usd,twilio_calls,twilio_call_seconds,twilio_messages,twilio_cost_usd";

    /** The report as CSV, one line per bucket after a header line. */
    public String toCsv() {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (Bucket b : this.buckets) {
            csv.append(b.start()).append(',').append(b.requests()).append(',').append(b.errors()).append(',')
                .append(b.requestBytes()).append(',').append(b.responseBytes()).append(',').append(b.upstreamMillis())
                .append(',').append(b.callsCreated()).append(',').append(b.callsEnded()).append(',')
                .append(b.callMinutes().toPlainString()).append(',').append(b.callCostUsd().toPlainString()).append(',')
                .append(b.twilioCalls()).append(',').append(b.twilioCallSeconds()).append(',').append(b.twilioMessages())
                .append(',').append(b.twilioCostUsd().toPlainString()).append('\n');
        }
        return csv.toString();
    }

    /**
     * The sums of one bucket.
     * @param start the bucket's first hour (UTC)
     * @param requests metered requests
     * @param errors requests answered with a status of 400 or more
     * @param requestBytes request body bytes
     * @param responseBytes response body bytes
     * @param upstreamMillis summed upstream latency
     * @param callsCreated VAPI calls created
     * @param callsEnded VAPI calls ended
     * @param callMinutes minutes of the calls that ended
     * @param callCostUsd VAPI cost of the calls that ended
     * @param twilioCalls Twilio calls that reached a final status
     * @param twilioCallSeconds Twilio call seconds
     * @param twilioMessages Twilio messages sent or received
     * @param twilioCostUsd Twilio prices reported
     */
    public record Bucket(Instant start, long requests, long errors, long requestBytes, long responseBytes,
            long upstreamMillis, long callsCreated, long callsEnded, BigDecimal callMinutes, BigDecimal callCostUsd,
            long twilioCalls, long twilioCallSeconds, long twilioMessages, BigDecimal twilioCostUsd) {
    }
}
