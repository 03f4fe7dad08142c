package com.intellidial.gateway.observability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard and the Prometheus alert rules under deploy/observability/ only use
 * metrics the gateway really exports: after a few requests through the gateway, every metric name
 * the files reference appears in the scrape. A renamed meter fails here, not silently on a dashboard.
 */
@GatewayIntegrationTest
@TestPropertySource(properties = { "gateway.rate-limits.key.burst-capacity=" + ObservabilityMetricsIntegrationTests.BURST,
        "gateway.rate-limits.key.replenish-rate=0.001" })
class ObservabilityMetricsIntegrationTests {

    /** Metric names as the files write them: the exporter's prefixes of the gateway's own and Boot's meters. */
    /** A small per-key bucket so that the test can also drive a rate-limit refusal. */
    static final int BURST = 7;

    private static final Pattern METRIC = Pattern.compile(
            "\\b((?:gateway|http_server_requests|http_client_requests|spring_cloud_gateway|jvm|process|system|r2dbc)_[a-zA-Z0-9_]+)\\b");

    private static final Path OBSERVABILITY = locate("deploy/observability");

    @Autowired
    WebTestClient client;

    @Autowired
    TestTenants tenants;

    @Autowired
    DatabaseClient database;

    @Test
    void everyMetricTheDashboardAndAlertsUseIsInTheScrape() throws IOException {
        TestTenant tenant = this.tenants.create("observe");
        for (int i = 0; i < 3; i++) {
            this.client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
                .exchange().expectStatus().isOk();
        }
        this.client.get().uri("/twilio/2010-04-01/Accounts/" + tenant.accountSid() + "/Calls.json")
            .headers(h -> h.setBasicAuth(tenant.accountSid(), tenant.apiKey()))
            .exchange().expectStatus().isOk();
        this.client.get().uri("/vapi/analytics").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange().expectStatus().isNotFound();
        this.client.post().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\":").exchange().expectStatus().isBadRequest();

        // A budget refusal: no calls allowed today.
        TestTenant capped = this.tenants.create("observe-budget");
        this.database.sql("insert into tenant_budgets (tenant_id, calls_per_day) values ($1, 0)").bind(0, capped.id())
            .then().block();
        this.client.post().uri("/vapi/call").header(HttpHeaders.AUTHORIZATION, "Bearer " + capped.apiKey())
            .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"assistantId\":\"a\"}")
            .exchange().expectStatus().value(status -> assertThat(status).isIn(402, 403, 429));
        // A rate-limit refusal: the key's bucket is empty after BURST requests.
        for (int i = 0; i < BURST; i++) {
            this.client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
                .exchange().expectBody().returnResult();
        }
        this.client.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + tenant.apiKey())
            .exchange().expectStatus().isEqualTo(429);

        String scrape = this.client.get().uri("/actuator/prometheus")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestInfrastructure.METRICS_TOKEN)
            .exchange().expectStatus().isOk()
            .expectBody(String.class).returnResult().getResponseBody();
        Set<String> exported = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                exported.add(line.split(" ")[2]);
            }
            else if (!line.isBlank() && !line.startsWith("#")) {
                exported.add(line.split("[{ ]", 2)[0]);
            }
        }
        Files.writeString(Path.of("target", "observability-scrape.txt"), scrape);

        Set<String> referenced = referencedMetrics();
        assertThat(referenced).as("metrics referenced by " + OBSERVABILITY).isNotEmpty()
            .contains("gateway_metering_buffered", "gateway_webhooks_relay_dropped_total");
        assertThat(exported).as("metrics in the scrape").containsAll(referenced);
    }

    private static Set<String> referencedMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(OBSERVABILITY)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json") || f.toString().endsWith(".yml")).toList()) {
                Matcher matcher = METRIC.matcher(Files.readString(file));
                while (matcher.find()) {
                    names.add(matcher.group(1));
                }
            }
        }
        return names;
    }

    /** The directory relative to the repository root, whether the build runs from the root or the module. */
    static Path locate(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
