package com.intellidial.gateway.catalog;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** How many calls a request places, as the shipped catalog's {@code places-calls} declares it. */
class PlacesCallsTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final EndpointCatalog VAPI = EndpointCatalog.forUpstream("vapi");

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            vapi.call.create        | {"customer":{"number":"+12125550100"}}                                    | 1
            vapi.call.create        | {"customerId":"c1"}                                                       | 1
            vapi.call.create        | {"customers":[{"number":"+12125550100"},{"number":"+12125550101"}]}       | 2
            vapi.call.create        | {"customers":[]}                                                          | 1
            vapi.campaign.create    | {"name":"c"}                                                              | 0
            vapi.campaign.create    | {"name":"c","customers":[{"number":"+1"},{"number":"+2"},{"number":"+3"}]} | 3
            vapi.campaign-v2.create | {"name":"c","customers":[{}],"dialPlan":[{"customers":[{},{}]},{"customers":[{}]}]} | 4
            vapi.campaign.update    | {"name":"renamed"}                                                        | 0
            vapi.campaign-v2.update | {"dialPlan":[{"customers":[{},{}]}]}                                      | 2
            vapi.campaign.update    | {"dialPlan":[{"customers":null}]}                                         | 0
            """)
    void countsOneCallPerCallee(String entry, String body, int calls) {
        PlacesCalls places = VAPI.entry(entry).orElseThrow().placesCalls();
        assertThat(places).isNotNull();
        assertThat(places.countsFromBody()).isTrue();
        assertThat(places.calls(JSON.readTree(body))).isEqualTo(calls);
    }

    @Test
    void onlyCallPlacingEntriesDeclareIt() {
        List<String> declared = VAPI.entries().stream().filter(entry -> entry.placesCalls() != null).map(CatalogEntry::id).toList();
        assertThat(declared).containsExactlyInAnyOrder("vapi.call.create", "vapi.campaign.create", "vapi.campaign-v2.create",
                "vapi.campaign.update", "vapi.campaign-v2.update");
        PlacesCalls twilio = EndpointCatalog.forUpstream("twilio").entry("twilio.call.create").orElseThrow().placesCalls();
        assertThat(twilio).isNotNull();
        assertThat(twilio.countsFromBody()).as("a Twilio call is one call, whatever its form").isFalse();
        assertThat(twilio.callerIds()).containsExactly(FieldPath.parse("From"));
    }
}
