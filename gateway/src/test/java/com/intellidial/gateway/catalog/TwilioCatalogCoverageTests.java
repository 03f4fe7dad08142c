package com.intellidial.gateway.catalog;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the Twilio catalog to the official OpenAPI copy of API v2010: every operation classified,
 * nothing invented, every entry reachable, and account-level operations denied.
 */
class TwilioCatalogCoverageTests {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    private static final String ACCOUNT = "/2010-04-01/Accounts/{AccountSid}";

    private static OpenApiSchemas openApi;

    private static EndpointCatalog catalog;

    @BeforeAll
    static void load() throws IOException {
        openApi = OpenApiSchemas.load("openapi/twilio_api_v2010.json");
        catalog = EndpointCatalog.forUpstream("twilio");
    }

    @Test
    void everyOpenApiOperationHasAnEntryAndEveryEntryIsAnOperation() {
        Set<String> operations = new HashSet<>();
        openApi.paths().properties().forEach((path) -> path.getValue().propertyNames().stream()
            .filter(METHODS::contains)
            .forEach((method) -> operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
        Set<String> catalogued = new HashSet<>();
        catalog.entries().forEach((entry) -> catalogued.add(entry.method() + " " + entry.path()));
        assertThat(operations).as("OpenAPI operations vs catalog/twilio.yaml").hasSize(197).isEqualTo(catalogued);
    }

    @Test
    void everyEntryIsReachableThroughTheMatcher() {
        List<String> shadowed = new ArrayList<>();
        for (CatalogEntry entry : catalog.entries()) {
            Map<String, String> variables = new HashMap<>();
            PathTemplate.parse(entry.path()).variableNames().forEach((name) -> variables.put(name, "XX" + name));
            String path = entry.expandPath(variables);
            CatalogMatch match = catalog.matcher().match(entry.method(), path).orElse(null);
            if (match == null || match.entry() != entry || !match.pathVariables().equals(variables)) {
                shadowed.add(entry.id() + " via " + path + " -> " + ((match != null) ? match.entry().id() : "no match"));
            }
        }
        assertThat(shadowed).as("entries the matcher does not resolve to themselves").isEmpty();
    }

    @Test
    void accountLevelOperationsAreDenied() {
        for (String operation : List.of("GET /2010-04-01/Accounts.json", "POST /2010-04-01/Accounts.json",
                "GET /2010-04-01/Accounts/{Sid}.json", "POST /2010-04-01/Accounts/{Sid}.json",
                "GET " + ACCOUNT + "/Keys.json", "POST " + ACCOUNT + "/Keys.json", "DELETE " + ACCOUNT + "/Keys/{Sid}.json",
                "POST " + ACCOUNT + "/Applications.json", "GET " + ACCOUNT + "/SigningKeys.json",
                "DELETE " + ACCOUNT + "/Calls/{Sid}.json")) {
            String[] parts = operation.split(" ");
            CatalogEntry entry = catalog.entries().stream()
                .filter((candidate) -> candidate.method().name().equals(parts[0]) && candidate.path().equals(parts[1]))
                .findFirst()
                .orElseThrow();
            assertThat(entry.allowed()).as(operation).isFalse();
        }
    }

    @Test
    void theVoiceClientOperationsAreAllowed() {
        assertThat(catalog.entries().stream().filter(CatalogEntry::allowed).map(CatalogEntry::id))
            .contains("twilio.call.create", "twilio.call.list", "twilio.call.fetch", "twilio.call.update",
                    "twilio.incoming-phone-number.list", "twilio.incoming-phone-number.fetch",
                    "twilio.incoming-phone-number.update", "twilio.incoming-phone-number.delete",
                    "twilio.available-phone-number.search-local", "twilio.message.create", "twilio.message.list",
                    "twilio.recording.list", "twilio.recording.fetch", "twilio.usage.list");
    }

    @Test
    void suffixedVariablesMatchOnlyWholeIds() {
        CatalogMatcher matcher = catalog.matcher();
        String calls = "/2010-04-01/Accounts/ACx/Calls/";
        assertThat(matcher.match(HttpMethod.GET, calls + "CA1.json")).get()
            .satisfies((match) -> assertThat(match.pathVariables()).containsEntry("Sid", "CA1"));
        assertThat(matcher.match(HttpMethod.GET, calls + ".json")).isEmpty();
        assertThat(matcher.match(HttpMethod.GET, calls + "CA1.json.json")).isEmpty();
        assertThat(matcher.match(HttpMethod.GET, calls + "CA1%2Ejson")).get()
            .satisfies((match) -> assertThat(match.pathVariables()).containsEntry("Sid", "CA1"));
        assertThat(matcher.match(HttpMethod.GET, calls + "CA1")).isEmpty();
        assertThat(matcher.match(HttpMethod.GET, calls + "..%2F.json")).isEmpty();
        assertThat(matcher.match(HttpMethod.GET, "/2010-04-01/Accounts/AC%2Fx/Calls.json")).isEmpty();
    }
}
