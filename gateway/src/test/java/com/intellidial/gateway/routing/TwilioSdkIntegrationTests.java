package com.intellidial.gateway.routing;

import java.net.URI;
import java.util.List;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TwilioClients;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.twilio.base.ResourceSet;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.type.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official twilio-java client, used as a tenant would: only its base URL points at the
 * gateway, and the gateway key is the Basic-auth password.
 */
@GatewayIntegrationTest
class TwilioSdkIntegrationTests {

    @Autowired
    TestTenants tenants;

    @LocalServerPort
    int port;

    @Test
    void createsAndListsCallsThroughTheGateway() {
        TestTenant tenant = this.tenants.create("sdk");
        TwilioRestClient client = clientFor(tenant.apiKey());
        Call call = Call.creator(new PhoneNumber("+14155550100"), new PhoneNumber("+14155550199"),
                URI.create("https://example.com/twiml")).create(client);
        assertThat(call.getSid()).startsWith("CA");
        assertThat(call.getAccountSid()).isEqualTo(tenant.accountSid());
        ResourceSet<Call> calls = Call.reader().read(client);
        List<String> sids = new java.util.ArrayList<>();
        calls.forEach(listed -> sids.add(listed.getSid()));
        assertThat(sids).containsExactly(call.getSid());
        assertThat(Call.fetcher(call.getSid()).fetch(client).getSid()).isEqualTo(call.getSid());
    }

    @Test
    void aWrongGatewayKeyIsRejected() {
        TwilioRestClient client = clientFor("igw_test_nobody_0123456789abcdef0123456789abcdef");
        assertThatThrownBy(() -> Call.reader().read(client)).isInstanceOf(ApiException.class)
            .satisfies(ex -> assertThat(((ApiException) ex).getStatusCode()).isEqualTo(401));
    }

    private TwilioRestClient clientFor(String gatewayKey) {
        return TwilioClients.viaGateway(this.port, gatewayKey);
    }
}
