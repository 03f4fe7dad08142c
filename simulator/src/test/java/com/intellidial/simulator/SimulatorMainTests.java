package com.intellidial.simulator;

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
