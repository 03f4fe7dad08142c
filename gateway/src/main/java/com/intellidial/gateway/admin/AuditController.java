package com.intellidial.gateway.admin;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The audit log: query it (newest first, paged) and verify its hash chain. */
@RestController
class AuditController {

    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping("/admin/v1/audit")
    Mono<Map<String, Object>> query(@RequestParam(required = false) @Nullable String tenant,
            @RequestParam(required = false) @Nullable String actor, @RequestParam(required = false) @Nullable String action,
            @RequestParam(required = false) @Nullable String from, @RequestParam(required = false) @Nullable String to,
            @RequestParam(required = false) @Nullable String limit, @RequestParam(required = false) @Nullable String offset) {
        return Mono.defer(() -> {
            int pageSize = TenantAdminController.Paging.limit(limit);
            long skip = TenantAdminController.Paging.offset(offset);
            return this.audit.query(blankToNull(tenant), blankToNull(actor), blankToNull(action), instant(from, "from"),
                    instant(to, "to"), pageSize + 1, skip)
                .map(rows -> TenantAdminController.Paging.page(rows.stream().limit(pageSize).toList(), rows.size() > pageSize,
                        pageSize, skip));
        });
    }

    @GetMapping("/admin/v1/audit/verify")
    Mono<Map<String, Object>> verify() {
        return this.audit.verify().map(result -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("intact", result.intact());
            view.put("rowsChecked", result.checked());
            view.put("firstBrokenRow", result.firstBrokenRow());
            return view;
        });
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return (value == null || value.isBlank()) ? null : value;
    }

    /** An ISO-8601 instant or date (UTC midnight). */
    private static @Nullable Instant instant(@Nullable String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return (value.length() == 10) ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value);
        }
        catch (DateTimeParseException ex) {
            throw TenantAdminController.param(field, "must be an ISO-8601 date or instant");
        }
    }
}
