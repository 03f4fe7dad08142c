package com.intellidial.gateway.metering;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.jspecify.annotations.Nullable;

/**
 * A usage report request: the half-open UTC range {@code [from, to)} in whole hours, and the size
 * of the buckets it is summed into.
 * @param from the first hour included
 * @param to the first hour excluded
 * @param granularity the bucket size
 */
public record UsageQuery(Instant from, Instant to, Granularity granularity) {

    /**
     * Parses and validates the query parameters of the usage API.
     * @param from an ISO-8601 instant or date (UTC); defaults to the start of the current month
     * @param to an ISO-8601 instant or date (UTC), exclusive; defaults to now
     * @param granularity {@code hour}, {@code day} or {@code month}; defaults to {@code day}
     * @param now the current time
     * @throws GatewayException a 400 {@code malformed-request} naming the bad parameter
     */
    public static UsageQuery parse(@Nullable String from, @Nullable String to, @Nullable String granularity, Instant now) {
        Granularity size = Granularity.parse(granularity);
        Instant end = (to != null) ? instant("to", to) : now;
        Instant start = (from != null) ? instant("from", from)
                : LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        start = start.truncatedTo(ChronoUnit.HOURS);
        end = end.truncatedTo(ChronoUnit.HOURS).equals(end) ? end : end.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        if (!start.isBefore(end)) {
            throw invalid("from", "'from' must be before 'to'");
        }
        if (Duration.between(start, end).compareTo(size.maxRange) > 0) {
            throw invalid("to", "At " + size.wire + " granularity a report covers at most " + size.maxRange.toDays() + " days");
        }
        return new UsageQuery(start, end, size);
    }

    private static Instant instant(String name, String value) {
        try {
            return (value.length() == 10) ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        }
        catch (DateTimeParseException ex) {
            throw invalid(name, "'" + name + "' must be an ISO-8601 instant (2025-06-01T00:00:00Z) or date (2025-06-01)");
        }
    }

    private static GatewayException invalid(String parameter, String detail) {
        return new GatewayException(ProblemType.MALFORMED_REQUEST, detail).withExtension("parameter", parameter);
    }

    /** The size of a report bucket, with the longest range a report at that size may cover. */
    public enum Granularity {

        HOUR("hour", Duration.ofDays(31)), DAY("day", Duration.ofDays(366)), MONTH("month", Duration.ofDays(3660));

        private final String wire;

        private final Duration maxRange;

        Granularity(String wire, Duration maxRange) {
            this.wire = wire;
            this.maxRange = maxRange;
        }

        /** The name in the API and in PostgreSQL's {@code date_trunc}. */
        public String wire() {
            return this.wire;
        }

        static Granularity parse(@Nullable String value) {
            if (value == null) {
                return DAY;
            }
            for (Granularity granularity : values()) {
                if (granularity.wire.equals(value.toLowerCase(Locale.ROOT))) {
                    return granularity;
                }
            }
            throw invalid("granularity", "'granularity' must be hour, day or month");
        }
    }
}
