package com.intellidial.simulator.twilio;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Reply;
import com.intellidial.simulator.http.ResourceStore;
import com.intellidial.simulator.http.Router;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /Accounts/{AccountSid}/Usage/Records.json}: usage computed from what the account (and, unless
 * {@code IncludeSubaccounts=false}, its subaccounts) did in the simulator, priced at fixed list rates.
 */
final class TwilioUsage {

    /** The categories reported, in order, each counting one kind of stored resource. */
    private static final List<Category> CATEGORIES = List.of(
            new Category("calls", "Voice Minutes", TwilioCalls.KIND, "calls", "minutes", "0.014",
                    TwilioUsage::minutes),
            new Category("calls-outbound", "Outbound Voice Minutes", TwilioCalls.KIND, "calls", "minutes", "0.014",
                    TwilioUsage::minutes),
            new Category("phonenumbers", "Phone Numbers", TwilioNumbers.KIND, "numbers", "numbers", "1.15",
                    resource -> 1),
            new Category("sms", "SMS Messages", TwilioMessages.KIND, "messages", "segments", "0.0079",
                    resource -> Long.parseLong(String.valueOf(Json.text(resource, "num_segments")))),
            new Category("recordings", "Voice Minutes Recorded", TwilioRecordings.KIND, "recordings", "minutes",
                    "0.0025", TwilioUsage::minutes));

    private final ResourceStore store;

    private final TwilioAccounts accounts;

    private final Clock clock;

    TwilioUsage(ResourceStore store, TwilioAccounts accounts, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.clock = clock;
    }

    void register(Router<TwilioRequest> router, String accountPath) {
        router.route("GET", accountPath + "/Usage/Records.json", (request, vars) -> list(request, vars.get("AccountSid")));
    }

    private Reply list(TwilioRequest request, String accountSid) {
        LocalDate today = LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC);
        LocalDate start = date(request.query().nonEmpty("StartDate"), LocalDate.of(2008, 1, 1));
        LocalDate end = date(request.query().nonEmpty("EndDate"), today);
        String only = request.query().nonEmpty("Category");
        List<String> owners = "false".equalsIgnoreCase(request.query().first("IncludeSubaccounts")) ? List.of(accountSid)
                : this.accounts.visibleTo(accountSid).stream().map(TwilioAccounts.Account::sid).toList();
        List<ObjectNode> records = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO;
        for (Category category : CATEGORIES) {
            long count = 0;
            long usage = 0;
            for (String owner : owners) {
                for (ObjectNode resource : this.store.list(owner, category.kind())) {
                    LocalDate created = LocalDate.ofInstant(
                            TwilioFormat.parseDate(String.valueOf(Json.text(resource, "date_created"))), ZoneOffset.UTC);
                    if (!created.isBefore(start) && !created.isAfter(end)) {
                        count++;
                        usage += category.usage().applyAsLong(resource);
                    }
                }
            }
            BigDecimal price = new BigDecimal(category.rate()).multiply(BigDecimal.valueOf(usage));
            total = total.add(price);
            records.add(record(accountSid, category.name(), category.description(), count, category.countUnit(),
                    usage, category.usageUnit(), price, start, end));
        }
        records.add(record(accountSid, "totalprice", "Total Price", 0, "", 0, "usd", total, start, end));
        List<ObjectNode> selected = records.stream()
            .filter(record -> only == null || only.equals(Json.text(record, "category")))
            .toList();
        return Reply.json(200, TwilioPage.of("usage_records", selected, request.path(), request.query()));
    }

    private ObjectNode record(String accountSid, String category, String description, long count, String countUnit,
            long usage, String usageUnit, BigDecimal price, LocalDate start, LocalDate end) {
        ObjectNode record = Json.object();
        record.put("account_sid", accountSid);
        record.put("api_version", TwilioFormat.API_VERSION);
        record.put("as_of", this.clock.instant().atOffset(ZoneOffset.UTC).withNano(0).toString());
        record.put("category", category);
        record.put("count", Long.toString(count));
        record.put("count_unit", countUnit);
        record.put("description", description);
        record.put("end_date", end.toString());
        record.put("price", price.stripTrailingZeros().toPlainString());
        record.put("price_unit", "usd");
        record.put("start_date", start.toString());
        record.put("uri", TwilioFormat.accountPath(accountSid, "/Usage/Records.json?Category=" + category
                + "&StartDate=" + start + "&EndDate=" + end));
        record.put("usage", Long.toString(usage));
        record.put("usage_unit", usageUnit);
        return record;
    }

    /** A call's or recording's duration in whole minutes, rounded up as Twilio bills them. */
    private static long minutes(ObjectNode resource) {
        String seconds = Json.text(resource, "duration");
        return (seconds == null) ? 0 : (Long.parseLong(seconds) + 59) / 60;
    }

    private static LocalDate date(@Nullable String value, LocalDate defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        try {
            return LocalDate.parse(value);
        }
        catch (DateTimeParseException ex) {
            throw TwilioException.badRequest(20001, "Invalid date: " + value + " (expected YYYY-MM-DD)");
        }
    }

    private record Category(String name, String description, String kind, String countUnit, String usageUnit,
            String rate, ToLongFunction<ObjectNode> usage) {
    }
}
