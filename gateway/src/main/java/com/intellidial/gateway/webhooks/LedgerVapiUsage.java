package com.intellidial.gateway.webhooks;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.intellidial.gateway.metering.CallCreated;
import com.intellidial.gateway.metering.CallEnded;
import com.intellidial.gateway.metering.UsageSink;

/**
 * Meters VAPI server messages into the ledger through the {@link UsageSink}, which never blocks.
 * <ul>
 * <li>{@code end-of-call-report}: {@link CallEnded} with minutes = {@code endedAt - startedAt} (4
 * decimals), VAPI's {@code cost}, its {@code costs[]} and {@code call.costBreakdown}, and
 * {@code endedReason}. Keyed by call id, so duplicates and retries count once.</li>
 * <li>{@code status-update}: {@link CallCreated} for the call at its {@code createdAt} (keyed by
 * call id, so it counts once however often and in whatever order statuses arrive); a call created
 * through the gateway already has it.</li>
 * </ul>
 * A report without a parsable {@code endedAt} cannot be billed correctly and is logged, not guessed.
 */
class LedgerVapiUsage implements VapiUsageRecorder {

    private static final Logger log = LoggerFactory.getLogger(LedgerVapiUsage.class);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final BigDecimal MILLIS_PER_MINUTE = BigDecimal.valueOf(60_000);

    private final UsageSink sink;

    LedgerVapiUsage(UsageSink sink) {
        this.sink = sink;
    }

    @Override
    public void record(String tenantId, VapiServerMessage message) {
        String callId = message.callId();
        if (callId == null) {
            return;
        }
        switch (message.type()) {
            case "end-of-call-report" -> callEnded(tenantId, callId, message.message());
            case "status-update" -> this.sink.record(new CallCreated(callId, tenantId, createdAt(message.message())));
            default -> {
            }
        }
    }

    private void callEnded(String tenantId, String callId, JsonNode report) {
        JsonNode call = report.path("call");
        Instant endedAt = instant(first(report, call, "endedAt"));
        if (endedAt == null) {
            log.warn("Not metering an end-of-call report of call {} for tenant {}: no endedAt", callId, tenantId);
            return;
        }
        Instant startedAt = instant(first(report, call, "startedAt"));
        BigDecimal minutes = (startedAt != null && !startedAt.isAfter(endedAt))
                ? BigDecimal.valueOf(Duration.between(startedAt, endedAt).toMillis())
                    .divide(MILLIS_PER_MINUTE, 4, RoundingMode.HALF_UP)
                : BigDecimal.ZERO.setScale(4);
        JsonNode cost = report.has("cost") ? report.get("cost") : call.get("cost");
        BigDecimal costUsd = (cost != null && cost.isNumber()) ? cost.decimalValue() : BigDecimal.ZERO;
        Map<String, Object> breakdown = new LinkedHashMap<>();
        JsonNode costs = report.has("costs") ? report.get("costs") : call.get("costs");
        if (costs != null && costs.isArray()) {
            breakdown.put("costs", JSON.convertValue(costs, Object.class));
        }
        JsonNode costBreakdown = call.get("costBreakdown");
        if (costBreakdown != null && costBreakdown.isObject()) {
            breakdown.put("costBreakdown", JSON.convertValue(costBreakdown, Object.class));
        }
        String endedReason = first(report, call, "endedReason");
        this.sink.record(new CallEnded(callId, tenantId, minutes, costUsd, breakdown,
                (endedReason != null) ? endedReason : "unknown", startedAt, endedAt));
    }

    /** The call's {@code createdAt}, the same in every message, so re-ordered statuses agree; else the message time. */
    private static Instant createdAt(JsonNode message) {
        Instant created = instant(VapiServerMessage.text(message.path("call"), "createdAt"));
        if (created != null) {
            return created;
        }
        JsonNode timestamp = message.get("timestamp");
        return (timestamp != null && timestamp.isNumber()) ? Instant.ofEpochMilli(timestamp.asLong()) : Instant.now();
    }

    private static @Nullable String first(JsonNode report, JsonNode call, String field) {
        String value = VapiServerMessage.text(report, field);
        return (value != null) ? value : VapiServerMessage.text(call, field);
    }

    private static @Nullable Instant instant(@Nullable String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        }
        catch (DateTimeParseException ex) {
            return null;
        }
    }
}
