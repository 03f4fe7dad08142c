package com.intellidial.simulator;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SimulatorMainTests {

    @Test
    void readsPortKeysAndAccountsFromEnvironmentThenArguments() {
        SimulatorConfig config = SimulatorMain.configure(
                new String[] { "--port=9000", "--vapi-key=k3:org-2", "--twilio-account=AC2:t2", "--host=0.0.0.0" },
                Map.of("SIMULATOR_PORT", "8100", "SIMULATOR_VAPI_KEYS", "k1:org-1, k2:org-1",
                        "SIMULATOR_TWILIO_ACCOUNTS", "AC1:t1"));
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.vapiKeys()).containsOnly(Map.entry("k1", "org-1"), Map.entry("k2", "org-1"),
                Map.entry("k3", "org-2"));
        assertThat(config.twilioAccounts()).containsOnly(Map.entry("AC1", "t1"), Map.entry("AC2", "t2"));
        assertThat(config.toString()).doesNotContain("t1", "k1");
    }

    @Test
    void readsTwilioApiKeysAndCallDuration() {
        SimulatorConfig config = SimulatorMain.configure(
                new String[] { "--twilio-account=AC1:t1", "--twilio-api-key=AC1:SK1:s:with:colons", "--call-duration-ms=250" },
                Map.of());
        assertThat(config.twilioApiKeys()).containsExactly(new SimulatorConfig.TwilioApiKey("AC1", "SK1", "s:with:colons"));
        assertThat(config.callDuration()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.callRingingAfter()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void readsTheVapiWebhookCredentialWithoutPrintingIt() {
        SimulatorConfig config = SimulatorMain.configure(new String[] { "--vapi-webhook-hmac=hmac-1" },
                Map.of("SIMULATOR_VAPI_WEBHOOK_BEARER", "bearer-1"));
        assertThat(config.vapiWebhookBearer()).isEqualTo("bearer-1");
        assertThat(config.vapiWebhookHmacSecret()).isEqualTo("hmac-1");
        assertThat(config.vapiWebhookRetries()).isEqualTo(2);
        assertThat(config.toString()).doesNotContain("bearer-1", "hmac-1").contains("vapiWebhookAuth=hmac");
    }

    @Test
    void defaultsToPort8089OnLoopback() {
        SimulatorConfig config = SimulatorMain.configure(new String[0], Map.of());
        assertThat(config.port()).isEqualTo(8089);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.vapiKeys()).isEmpty();
    }

    @Test
    void rejectsUnknownArgumentsAndEntriesWithoutColon() {
        assertThatIllegalArgumentException().isThrownBy(() -> SimulatorMain.configure(new String[] { "--nope" }, Map.of()));
        assertThatIllegalArgumentException()
            .isThrownBy(() -> SimulatorMain.configure(new String[] { "--vapi-key=justakey" }, Map.of()));
    }
}
