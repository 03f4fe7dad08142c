package com.intellidial.gateway.metering;

import java.time.Clock;

import com.intellidial.gateway.tenant.ApiKeyResolver;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/usage?from=&to=&granularity=}: a tenant reads its own usage, authenticated with
 * its gateway key exactly like a proxied request. There is no tenant parameter: the key decides.
 */
@RestController
class UsageController {

    private final ApiKeyResolver keys;

    private final UsageReports reports;

    private final Clock clock = Clock.systemUTC();

    UsageController(ApiKeyResolver keys, UsageReports reports) {
        this.keys = keys;
        this.reports = reports;
    }

    @GetMapping("/v1/usage")
    Mono<UsageReport> usage(@RequestHeader HttpHeaders headers, @RequestParam(required = false) @Nullable String from,
            @RequestParam(required = false) @Nullable String to,
            @RequestParam(required = false) @Nullable String granularity) {
        return this.keys.authenticate(headers).flatMap(tenant -> {
            UsageQuery query = UsageQuery.parse(from, to, granularity, this.clock.instant());
            return this.reports.report(tenant.tenantId(), query);
        });
    }
}
