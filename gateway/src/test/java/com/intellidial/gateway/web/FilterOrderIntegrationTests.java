package com.intellidial.gateway.web;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins the order of the gateway's own global filters (DESIGN.md section 4) and their uniqueness. */
@GatewayIntegrationTest
class FilterOrderIntegrationTests {

    @Autowired
    ApplicationContext context;

    @Test
    void gatewayFiltersRunInTheDesignedOrder() {
        List<GlobalFilter> ours = this.context.getBeansOfType(GlobalFilter.class).values().stream()
            .filter(filter -> filter.getClass().getPackageName().startsWith("com.intellidial.gateway"))
            .sorted(Comparator.comparingInt(FilterOrderIntegrationTests::order))
            .toList();
        List<String> names = ours.stream().map(filter -> filter.getClass().getSimpleName()).toList();
        assertThat(names).containsSubsequence("AuthenticationGlobalFilter", "MeteringGlobalFilter",
                "CatalogMatchGlobalFilter", "RateLimitGlobalFilter", "BodyLimitGlobalFilter", "CallCreationGlobalFilter", "QuotaGlobalFilter", "IsolationGlobalFilter",
                "CredentialInjectionGlobalFilter", "UpstreamTimingGlobalFilter");
        assertThat(names.get(0)).isEqualTo("AuthenticationGlobalFilter");
        assertThat(names.get(names.size() - 1)).isEqualTo("UpstreamTimingGlobalFilter");
    }

    @Test
    void noGatewayFilterSharesItsOrderWithAnotherGlobalFilter() {
        Map<Integer, List<String>> byOrder = this.context.getBeansOfType(GlobalFilter.class).values().stream()
            .collect(Collectors.groupingBy(FilterOrderIntegrationTests::order,
                    Collectors.mapping(filter -> filter.getClass().getName(), Collectors.toList())));
        assertThat(byOrder.values()).filteredOn(filters -> filters.stream().anyMatch(name -> name.startsWith("com.intellidial")))
            .isNotEmpty()
            .allSatisfy(filters -> assertThat(filters).hasSize(1));
    }

    @Test
    void orderConstantsFollowTheDesign() {
        assertThat(List.of(FilterOrder.AUTHENTICATION, FilterOrder.METERING, FilterOrder.CATALOG_MATCH, FilterOrder.RATE_LIMIT, FilterOrder.BODY_LIMIT,
                FilterOrder.CALL_CREATION, FilterOrder.QUOTA, FilterOrder.ISOLATION, FilterOrder.CREDENTIAL_INJECTION,
                FilterOrder.UPSTREAM_TIMING)).isSorted();
        assertThat(FilterOrder.REQUEST_ID).isLessThan(FilterOrder.AUTHENTICATION);
    }

    private static int order(GlobalFilter filter) {
        return (filter instanceof Ordered ordered) ? ordered.getOrder() : Ordered.LOWEST_PRECEDENCE;
    }
}
