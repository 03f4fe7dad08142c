package com.intellidial.gateway.admin;

import java.time.Clock;

import com.intellidial.gateway.metering.UsageQuery;
import com.intellidial.gateway.metering.UsageReport;
import com.intellidial.gateway.metering.UsageReports;
import com.intellidial.gateway.tenant.Tenant;
import com.intellidial.gateway.web.GatewayException;
import com.intellidial.gateway.web.ProblemType;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /admin/v1/tenants/{id}/usage?from=&to=&granularity=}: any tenant's usage, as JSON or,
 * with {@code format=csv} or {@code Accept: text/csv}, as a CSV export.
 */
@RestController
class UsageAdminController {

    private static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");

    private final UsageReports reports;

    private final Clock clock = Clock.systemUTC();

    UsageAdminController(UsageReports reports) {
        this.reports = reports;
    }

    @GetMapping("/admin/v1/tenants/{tenantId}/usage")
    Mono<ResponseEntity<?>> usage(@PathVariable String tenantId,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) @Nullable String accept,
            @RequestParam(required = false) @Nullable String from, @RequestParam(required = false) @Nullable String to,
            @RequestParam(required = false) @Nullable String granularity,
            @RequestParam(required = false) @Nullable String format) {
        return Mono.fromCallable(() -> {
            if (!Tenant.ID_PATTERN.matcher(tenantId).matches()) {
                throw new GatewayException(ProblemType.NOT_FOUND, "No such tenant.");
            }
            return UsageQuery.parse(from, to, granularity, this.clock.instant());
        }).flatMap(query -> this.reports.report(tenantId, query)).map(report -> {
            if (wantsCsv(format, accept)) {
                return ResponseEntity.ok()
                    .contentType(CSV)
                    .header(HttpHeaders.CONTENT_DISPOSITION,
                            "attachment; filename=\"usage-" + tenantId + "-" + report.granularity() + ".csv\"")
                    .body(report.toCsv());
            }
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(report);
        });
    }

    private static boolean wantsCsv(@Nullable String format, @Nullable String accept) {
        if (format != null) {
            if (!format.equals("csv") && !format.equals("json")) {
                throw new GatewayException(ProblemType.MALFORMED_REQUEST, "'format' must be json or csv")
                    .withExtension("parameter", "format");
            }
            return format.equals("csv");
        }
        return accept != null && MediaType.parseMediaTypes(accept).stream()
            .anyMatch(type -> type.isCompatibleWith(MediaType.parseMediaType("text/csv")) && !type.isWildcardType());
    }
}
