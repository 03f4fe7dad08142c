package com.intellidial.gateway.isolation;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.intellidial.gateway.cluster.ClusterEvents;
import com.intellidial.gateway.credentials.CachingSecretStore;
import com.intellidial.gateway.credentials.LocalSecretStore;
import com.intellidial.gateway.credentials.SecretPath;
import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestTenants.TestTenant;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.support.TwilioClients;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import com.intellidial.gateway.web.GatewayHeaders;
import com.intellidial.simulator.RecordedRequest;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.rest.api.v2010.account.IncomingPhoneNumber;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.Recording;
import com.twilio.rest.api.v2010.account.availablephonenumbercountry.Local;
import com.twilio.rest.api.v2010.account.usage.Record;
import com.twilio.type.PhoneNumber;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Twilio surface end to end, with the official twilio-java client used as a tenant would, in
 * every telephony mode; and the adversarial cases: another tenant's account, numbers and calls by
 * SID in path, query and form body, denied account-level operations, credentials never leaking,
 * and POSTs never repeated by the gateway.
 */
@GatewayIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class TwilioIsolationIntegrationTests {

    private static final PhoneNumber CALLEE = new PhoneNumber("+18885550100");

    private static final URI TWIML = URI.create("https://example.com/twiml");

    @Autowired
    TestTenants tenants;

    @Autowired
    WebTestClient web;

    @Autowired
    LocalSecretStore secrets;

    @Autowired
    CachingSecretStore cache;

    @Autowired
    MeterRegistry meters;

    @Autowired
    DatabaseClient db;

    @Autowired
    ClusterEvents events;

    @LocalServerPort
    int port;

    @ParameterizedTest
    @EnumSource(value = TelephonyMode.class, names = { "PLATFORM_TWILIO", "BYO_TWILIO" })
    void everyAllowedOperationWorksInTheTenantsOwnAccount(TelephonyMode mode, CapturedOutput output) {
        TestTenant tenant = this.tenants.create("own", VapiMode.DEDICATED_ORG, mode);
        String accountSid = (mode == TelephonyMode.PLATFORM_TWILIO) ? subaccountOf(tenant) : tenant.accountSid();
        TwilioRestClient client = TwilioClients.viaGateway(this.port, tenant.apiKey());

        Local available = Local.reader("US").setAreaCode(415).limit(1).read(client).iterator().next();
        IncomingPhoneNumber number = IncomingPhoneNumber.creator(available.getPhoneNumber()).create(client);
        assertThat(number.getAccountSid()).isEqualTo(accountSid);
        assertThat(sids(IncomingPhoneNumber.reader().read(client), IncomingPhoneNumber::getSid)).contains(number.getSid());
        assertThat(IncomingPhoneNumber.fetcher(number.getSid()).fetch(client).getPhoneNumber())
            .isEqualTo(number.getPhoneNumber());
        assertThat(IncomingPhoneNumber.updater(number.getSid()).setVoiceUrl(TWIML).update(client).getVoiceUrl())
            .isEqualTo(TWIML);

        Call call = Call.creator(CALLEE, number.getPhoneNumber(), TWIML).create(client);
        assertThat(call.getAccountSid()).isEqualTo(accountSid);
        assertThat(sids(Call.reader().read(client), Call::getSid)).contains(call.getSid());
        assertThat(Call.fetcher(call.getSid()).fetch(client).getSid()).isEqualTo(call.getSid());
        assertThat(Call.updater(call.getSid()).setStatus(Call.UpdateStatus.COMPLETED).update(client).getStatus())
            .isEqualTo(Call.Status.COMPLETED);
        assertThat(sids(Recording.reader().read(client), Recording::getSid)).isEmpty();

        Message message = Message.creator(CALLEE, number.getPhoneNumber(), "hello").create(client);
        assertThat(sids(Message.reader().read(client), Message::getSid)).contains(message.getSid());
        assertThat(Record.reader().limit(5).read(client)).isNotNull();

        assertThat(IncomingPhoneNumber.deleter(number.getSid()).delete(client)).isTrue();

        String token = TestUpstream.simulator().journal().all().stream()
            .filter((request) -> request.path().contains(accountSid))
            .findFirst()
            .map((request) -> request.header("Authorization"))
            .orElseThrow();
        assertThat(token).isNotNull();
        assertThat(output.getAll()).doesNotContain(tenant.twilioToken()).doesNotContain(token.substring(6));
    }

    @Test
    void anotherTenantsAccountInThePathLandsInTheCallersOwnAccount() {
        TestTenant caller = this.tenants.create("caller");
        TestTenant victim = this.tenants.create("victim");
        for (String path : List.of("/Calls.json", "/Calls.json?PageSize=1&Page=1&PageToken=PA" + victim.accountSid(),
                "/IncomingPhoneNumbers.json", "/Recordings.json")) {
            String requestId = UUID.randomUUID().toString();
            this.web.get()
                .uri("/twilio/2010-04-01/Accounts/" + victim.accountSid() + path)
                .header("Authorization", "Bearer " + caller.apiKey())
                .header(GatewayHeaders.REQUEST_ID, requestId)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .value((body) -> assertThat(body).doesNotContain(victim.accountSid()));
            RecordedRequest received = TestUpstream.received(requestId);
            assertThat(received.path()).startsWith("/2010-04-01/Accounts/" + caller.accountSid() + "/");
        }
    }

    @Test
    void accountLevelAndUnclassifiedOperationsAreNeverForwarded() {
        TestTenant tenant = this.tenants.create("denied");
        for (String path : List.of("/2010-04-01/Accounts.json", "/2010-04-01/Accounts/" + tenant.accountSid() + ".json",
                "/2010-04-01/Accounts/" + tenant.accountSid() + "/Keys.json",
                "/2010-04-01/Accounts/" + tenant.accountSid() + "/Applications.json",
                "/2010-04-01/Accounts/" + tenant.accountSid() + "/Calls", "/2010-04-01/Accounts/x/../Keys.json")) {
            String requestId = UUID.randomUUID().toString();
            this.web.post()
                .uri("/twilio" + path)
                .header("Authorization", "Bearer " + tenant.apiKey())
                .header(GatewayHeaders.REQUEST_ID, requestId)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("FriendlyName", "x"))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(TestUpstream.anyReceived(requestId)).as(path).isFalse();
        }
    }

    @Test
    void vapiNumberTenantsHaveNoTwilio() {
        TestTenant tenant = this.tenants.create("vapinum", VapiMode.DEDICATED_ORG, TelephonyMode.VAPI_NUMBER);
        this.web.get()
            .uri("/twilio/2010-04-01/Accounts/AC1/Calls.json")
            .header("Authorization", "Bearer " + tenant.apiKey())
            .exchange()
            .expectStatus()
            .isForbidden()
            .expectBody()
            .jsonPath("$.detail")
            .value((detail) -> assertThat(detail.toString()).contains("vapi-number"));
    }

    @Test
    void sharedPoolTenantsUseAndSeeOnlyTheirOwnNumbersAndCalls(CapturedOutput output) {
        TestTenant alice = this.tenants.create("poola", VapiMode.SHARED_ORG, TelephonyMode.SHARED_POOL);
        TestTenant bob = this.tenants.create("poolb", VapiMode.SHARED_ORG, TelephonyMode.SHARED_POOL);
        Map<String, Object> aliceNumber = provision(alice, 415);
        Map<String, Object> bobNumber = provision(bob, 415);
        TwilioRestClient client = TwilioClients.viaGateway(this.port, alice.apiKey());
        String shown = TwilioOwnership.poolAccountSid(alice.id());

        List<IncomingPhoneNumber> numbers = new ArrayList<>();
        IncomingPhoneNumber.reader().read(client).forEach(numbers::add);
        assertThat(numbers).extracting(IncomingPhoneNumber::getSid).containsExactly((String) aliceNumber.get("phoneNumberSid"));
        assertThat(numbers).extracting(IncomingPhoneNumber::getAccountSid).containsOnly(shown);
        String bobSid = (String) bobNumber.get("phoneNumberSid");
        assertThatThrownBy(() -> IncomingPhoneNumber.fetcher(bobSid).fetch(client)).isInstanceOf(ApiException.class)
            .satisfies((ex) -> assertThat(((ApiException) ex).getStatusCode()).isEqualTo(404));

        Call call = Call.creator(CALLEE, new PhoneNumber((String) aliceNumber.get("phoneNumber")), TWIML).create(client);
        assertThat(call.getAccountSid()).isEqualTo(shown);
        assertThat(Call.fetcher(call.getSid()).fetch(client).getSid()).isEqualTo(call.getSid());
        Call bobsCall = Call.creator(CALLEE, new PhoneNumber((String) bobNumber.get("phoneNumber")), TWIML)
            .create(TwilioClients.viaGateway(this.port, bob.apiKey()));
        assertThat(sids(Call.reader().read(client), Call::getSid)).contains(call.getSid()).doesNotContain(bobsCall.getSid());

        String base = "/twilio/2010-04-01/Accounts/" + shown;
        assertNotForwarded(alice, base + "/Calls.json", "From", (String) bobNumber.get("phoneNumber"), HttpStatus.NOT_FOUND);
        assertNotForwarded(alice, base + "/Calls/" + bobsCall.getSid() + ".json", "Status", "completed", HttpStatus.NOT_FOUND);
        assertNotForwarded(alice, base + "/IncomingPhoneNumbers/" + bobSid + ".json", "VoiceUrl", TWIML.toString(),
                HttpStatus.NOT_FOUND);
        assertNotForwarded(alice, base + "/IncomingPhoneNumbers/" + aliceNumber.get("phoneNumberSid") + ".json",
                "AccountSid", bob.accountSid(), HttpStatus.FORBIDDEN);
        assertNotForwarded(alice, base + "/Messages.json?PhoneNumberSid=" + bobSid, "From",
                (String) aliceNumber.get("phoneNumber"), HttpStatus.NOT_FOUND);
        assertNotForwarded(alice, base + "/IncomingPhoneNumbers.json", "PhoneNumber", "+14155550177", HttpStatus.NOT_FOUND);
        assertThat(output.getAll()).doesNotContain(TestUpstream.PLATFORM_TWILIO_TOKEN);
    }

    @Test
    void warmSharedPoolRequestsReadNoDatabase() {
        TestTenant tenant = this.tenants.create("poolwarm", VapiMode.SHARED_ORG, TelephonyMode.SHARED_POOL);
        Map<String, Object> number = provision(tenant, 415);
        String numberSid = (String) number.get("phoneNumberSid");
        TwilioRestClient client = TwilioClients.viaGateway(this.port, tenant.apiKey());
        Call call = Call.creator(CALLEE, new PhoneNumber((String) number.get("phoneNumber")), TWIML).create(client);
        Runnable requests = () -> {
            assertThat(sids(IncomingPhoneNumber.reader().read(client), IncomingPhoneNumber::getSid)).containsExactly(numberSid);
            assertThat(IncomingPhoneNumber.fetcher(numberSid).fetch(client).getSid()).isEqualTo(numberSid);
            assertThat(Call.fetcher(call.getSid()).fetch(client).getSid()).isEqualTo(call.getSid());
        };
        requests.run();
        double before = this.meters.counter("gateway.isolation.twilio-ownership.loads").count();
        requests.run();
        requests.run();
        assertThat(this.meters.counter("gateway.isolation.twilio-ownership.loads").count()).isEqualTo(before);
    }

    @Test
    void aRemovedNumberIsRefusedOnTheNextRequestHereAndOnceTheEvictionArrivesElsewhere() {
        TestTenant tenant = this.tenants.create("poolevict", VapiMode.SHARED_ORG, TelephonyMode.SHARED_POOL);
        String released = (String) provision(tenant, 415).get("phoneNumberSid");
        String moved = (String) provision(tenant, 415).get("phoneNumberSid");
        String base = "/twilio/2010-04-01/Accounts/" + TwilioOwnership.poolAccountSid(tenant.id()) + "/IncomingPhoneNumbers/";
        assertThat(fetchStatus(tenant, base + released + ".json")).isEqualTo(HttpStatus.OK);
        assertThat(fetchStatus(tenant, base + moved + ".json")).isEqualTo(HttpStatus.OK);

        admin().delete().uri("/admin/v1/tenants/" + tenant.id() + "/numbers/" + released).exchange().expectStatus().isNoContent();
        assertThat(fetchStatus(tenant, base + released + ".json")).isEqualTo(HttpStatus.NOT_FOUND);

        // Another instance removes a number: the database changes, this instance's cache does not...
        this.db.sql("delete from twilio_numbers where phone_number_sid = :sid").bind("sid", moved).then().block();
        assertThat(fetchStatus(tenant, base + moved + ".json")).isEqualTo(HttpStatus.OK);
        // ...until the eviction that instance publishes arrives.
        this.events.publish(TwilioOwnership.CHANNEL, tenant.id()).block();
        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(fetchStatus(tenant, base + moved + ".json")).isEqualTo(HttpStatus.NOT_FOUND));
    }

    private HttpStatus fetchStatus(TestTenant tenant, String uri) {
        return HttpStatus.valueOf(this.web.get()
            .uri(uri)
            .header("Authorization", "Bearer " + tenant.apiKey())
            .exchange()
            .returnResult(String.class)
            .getStatus()
            .value());
    }

    @Test
    void aPostIsSentUpstreamExactlyOnceEvenWhenTwilioAnswers500() {
        TestTenant tenant = this.tenants.create("once");
        String path = "/2010-04-01/Accounts/" + tenant.accountSid() + "/Calls.json";
        TestUpstream.simulator().faults().failNext(path, 500, 3);
        this.web.post()
            .uri("/twilio" + path)
            .header("Authorization", "Bearer " + tenant.apiKey())
            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .body(BodyInserters.fromFormData("To", CALLEE.toString()).with("From", "+14155550199").with("Url", TWIML.toString()))
            .exchange()
            .expectStatus()
            .isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(posts(path)).isEqualTo(1);
        TestUpstream.simulator().faults().clear();
    }

    @Test
    void provisioningBuysExactlyOnceAndReleasesTheNumberWhenVapiRefusesIt() {
        TestTenant tenant = this.tenants.create("prov");
        String numbersPath = "/2010-04-01/Accounts/" + tenant.accountSid() + "/IncomingPhoneNumbers.json";
        TestUpstream.simulator().faults().failNext(numbersPath, 500, 3);
        admin().post()
            .uri("/admin/v1/tenants/" + tenant.id() + "/numbers")
            .header("Idempotency-Key", "k-" + UUID.randomUUID())
            .bodyValue(Map.of("areaCode", 415))
            .exchange()
            .expectStatus()
            .isEqualTo(HttpStatus.BAD_GATEWAY);
        assertThat(posts(numbersPath)).isEqualTo(1);
        TestUpstream.simulator().faults().clear();

        TestUpstream.simulator().faults().failNext("/phone-number", 500, 1);
        admin().post()
            .uri("/admin/v1/tenants/" + tenant.id() + "/numbers")
            .header("Idempotency-Key", "k-" + UUID.randomUUID())
            .bodyValue(Map.of("areaCode", 415))
            .exchange()
            .expectStatus()
            .isEqualTo(HttpStatus.BAD_GATEWAY);
        TestUpstream.simulator().faults().clear();
        assertThat(IncomingPhoneNumber.reader().read(TwilioClients.direct(tenant.accountSid(), tenant.twilioToken())))
            .as("the number bought before the failed VAPI import is released").isEmpty();
    }

    @Test
    void provisioningIsIdempotentAndReleaseRemovesTheNumber() {
        TestTenant tenant = this.tenants.create("idem");
        String key = "k-" + UUID.randomUUID();
        Map<String, Object> first = provision(tenant, key);
        assertThat(provision(tenant, key)).isEqualTo(first);
        assertThat(first.get("vapiPhoneNumberId")).isNotNull();
        admin().delete()
            .uri("/admin/v1/tenants/" + tenant.id() + "/numbers/" + first.get("phoneNumberSid"))
            .exchange()
            .expectStatus()
            .isNoContent();
        assertThat(IncomingPhoneNumber.reader().read(TwilioClients.direct(tenant.accountSid(), tenant.twilioToken())))
            .isEmpty();
    }

    /** Replaces the preset credential with a real subaccount created through the admin API. */
    private String subaccountOf(TestTenant tenant) {
        SecretPath path = SecretPath.tenantTwilio(tenant.id());
        this.secrets.delete(path);
        this.cache.invalidate(path);
        Map<String, Object> account = subaccount(tenant);
        assertThat(account).isNotNull();
        assertThat(account.keySet()).containsExactlyInAnyOrder("tenantId", "accountSid", "created");
        return String.valueOf(account.get("accountSid"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> subaccount(TestTenant tenant) {
        return admin().post()
            .uri("/admin/v1/tenants/" + tenant.id() + "/twilio/subaccount")
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    }

    private Map<String, Object> provision(TestTenant tenant, int areaCode) {
        return provision(tenant, "k-" + UUID.randomUUID(), areaCode);
    }

    private Map<String, Object> provision(TestTenant tenant, String key) {
        return provision(tenant, key, 415);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> provision(TestTenant tenant, String key, int areaCode) {
        return admin().post()
            .uri("/admin/v1/tenants/" + tenant.id() + "/numbers")
            .header("Idempotency-Key", key)
            .bodyValue(Map.of("areaCode", areaCode))
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    }

    private WebTestClient admin() {
        return this.web.mutate().defaultHeader("Authorization", "Bearer " + TestInfrastructure.ADMIN_TOKEN).build();
    }

    private void assertNotForwarded(TestTenant tenant, String uri, String field, String value, HttpStatus status) {
        String requestId = UUID.randomUUID().toString();
        this.web.post()
            .uri(uri)
            .header("Authorization", "Bearer " + tenant.apiKey())
            .header(GatewayHeaders.REQUEST_ID, requestId)
            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .body(BodyInserters.fromFormData(form(field, value)))
            .exchange()
            .expectStatus()
            .isEqualTo(status);
        assertThat(TestUpstream.anyReceived(requestId)).as(uri).isFalse();
    }

    private static org.springframework.util.MultiValueMap<String, String> form(String field, String value) {
        org.springframework.util.MultiValueMap<String, String> form = new org.springframework.util.LinkedMultiValueMap<>();
        form.add(field, value);
        form.add("To", CALLEE.toString());
        form.add("Url", TWIML.toString());
        return form;
    }

    private static long posts(String path) {
        return TestUpstream.simulator().journal().all().stream()
            .filter((request) -> request.method().equals("POST") && request.path().equals(path))
            .count();
    }

    private static <T> List<String> sids(Iterable<T> items, java.util.function.Function<T, String> sid) {
        List<String> sids = new ArrayList<>();
        items.forEach((item) -> sids.add(sid.apply(item)));
        return sids;
    }
}
