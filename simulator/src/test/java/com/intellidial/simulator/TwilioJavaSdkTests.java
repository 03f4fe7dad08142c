package com.intellidial.simulator;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.twilio.base.ResourceSet;
import com.twilio.exception.ApiException;
import com.twilio.http.HttpClient;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.Account;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.rest.api.v2010.account.IncomingPhoneNumber;
import com.twilio.rest.api.v2010.account.availablephonenumbercountry.Local;
import com.twilio.type.PhoneNumber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The official twilio-java SDK, pointed at the simulator, reads what the simulator writes. */
class TwilioJavaSdkTests {

    private static final String ACCOUNT = "AC00000000000000000000000000000001";

    private Simulator simulator;

    private TwilioRestClient client;

    @BeforeEach
    void start() {
        this.simulator = Simulator.start(SimulatorConfig.builder()
            .twilioAccount(ACCOUNT, "token")
            .callTimeline(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30))
            .build());
        this.client = new TwilioRestClient.Builder(ACCOUNT, "token")
            .httpClient(new RewritingHttpClient(this.simulator.baseUrl()))
            .build();
    }

    @AfterEach
    void stop() {
        this.simulator.close();
    }

    @Test
    void createsFetchesAndPagesCalls() {
        Call created = Call.creator(new PhoneNumber("+14155550100"), new PhoneNumber("+14155550199"),
                URI.create("https://x.test/twiml")).create(this.client);
        assertThat(created.getSid()).startsWith("CA");
        assertThat(created.getStatus()).isEqualTo(Call.Status.QUEUED);
        assertThat(created.getDateCreated()).isNotNull();
        assertThat(Call.fetcher(created.getSid()).fetch(this.client).getTo()).isEqualTo("+14155550100");

        for (int i = 0; i < 4; i++) {
            Call.creator(new PhoneNumber("+14155550100"), new PhoneNumber("+14155550199"),
                    URI.create("https://x.test/twiml")).create(this.client);
        }
        ResourceSet<Call> calls = Call.reader().pageSize(2).read(this.client);
        List<String> sids = new ArrayList<>();
        calls.forEach(call -> sids.add(call.getSid()));
        assertThat(sids).hasSize(5).doesNotHaveDuplicates().contains(created.getSid());

        Call ended = Call.updater(created.getSid()).setStatus(Call.UpdateStatus.COMPLETED).update(this.client);
        assertThat(ended.getStatus()).isEqualTo(Call.Status.COMPLETED);
    }

    @Test
    void buysANumberFoundBySearchAndCreatesASubaccount() {
        Local available = Local.reader("US").setAreaCode(415).limit(1).read(this.client).iterator().next();
        IncomingPhoneNumber bought = IncomingPhoneNumber.creator(available.getPhoneNumber())
            .setVoiceUrl(URI.create("https://x.test/voice"))
            .create(this.client);
        assertThat(bought.getPhoneNumber().toString()).isEqualTo(available.getPhoneNumber().toString());
        assertThat(bought.getCapabilities().getVoice()).isTrue();

        Account sub = Account.creator().setFriendlyName("tenant-1").create(this.client);
        assertThat(sub.getOwnerAccountSid()).isEqualTo(ACCOUNT);
        assertThat(sub.getStatus()).isEqualTo(Account.Status.ACTIVE);
    }

    @Test
    void surfacesTwilioErrorsAsApiExceptions() {
        assertThatExceptionOfType(ApiException.class)
            .isThrownBy(() -> Call.fetcher("CA00000000000000000000000000000000").fetch(this.client))
            .satisfies(ex -> {
                assertThat(ex.getCode()).isEqualTo(20404);
                assertThat(ex.getStatusCode()).isEqualTo(404);
            });
    }

    /**
     * Twilio's documented way to reach a mock: rebuild each request against another base URL. The URL's own query
     * must be kept: twilio-java follows {@code next_page_uri} by putting it there.
     */
    private static final class RewritingHttpClient extends HttpClient {

        private final NetworkHttpClient delegate = new NetworkHttpClient();

        private final String baseUrl;

        RewritingHttpClient(String baseUrl) {
            this.baseUrl = baseUrl;
        }

        @Override
        public Response makeRequest(Request request) {
            URI original = URI.create(request.getUrl());
            String query = (original.getRawQuery() != null) ? "?" + original.getRawQuery() : "";
            Request rewritten = new Request(request.getMethod(), this.baseUrl + original.getRawPath() + query);
            request.getQueryParams().forEach((name, values) -> values.forEach(v -> rewritten.addQueryParam(name, v)));
            request.getPostParams().forEach((name, values) -> values.forEach(v -> rewritten.addPostParam(name, v)));
            request.getHeaderParams().forEach((name, values) -> values.forEach(v -> rewritten.addHeaderParam(name, v)));
            rewritten.setAuth(request.getUsername(), request.getPassword());
            return this.delegate.makeRequest(rewritten);
        }
    }
}
