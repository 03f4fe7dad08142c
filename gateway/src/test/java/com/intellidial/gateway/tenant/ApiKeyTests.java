package com.intellidial.gateway.tenant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyTests {

    @Test
    void parsesTheDocumentedFormat() {
        ApiKey key = ApiKey.parse("igw_demo_acme_3f9c2a7b51e84d06a1c4e8b2d7f05a93").orElseThrow();
        assertThat(key.env()).isEqualTo("demo");
        assertThat(key.keyId()).isEqualTo("acme");
        assertThat(key.value()).isEqualTo("igw_demo_acme_3f9c2a7b51e84d06a1c4e8b2d7f05a93");
    }

    @Test
    void rejectsAnythingElse() {
        assertThat(ApiKey.parse("")).isEmpty();
        assertThat(ApiKey.parse("igw_demo_acme_tooshort")).isEmpty();
        assertThat(ApiKey.parse("igw_demo_ac-me_3f9c2a7b51e84d06a1c4e8b2d7f05a93")).isEmpty();
        assertThat(ApiKey.parse("IGW_demo_acme_3f9c2a7b51e84d06a1c4e8b2d7f05a93")).isEmpty();
        assertThat(ApiKey.parse("igw_demo_acme_3f9c2a7b51e84d06a1c4e8b2d7f05a93\n")).isEmpty();
        assertThat(ApiKey.parse("igw_demo_acme_" + "a".repeat(ApiKey.MAX_LENGTH))).isEmpty();
    }

    @Test
    void matchesOnlyItsOwnSecretHash() {
        ApiKey key = ApiKey.generate("live", "k1");
        ApiKey other = ApiKey.generate("live", "k1");
        assertThat(key.matches(key.secretHash())).isTrue();
        assertThat(key.matches(other.secretHash())).isFalse();
        assertThat(key.matches(new byte[0])).isFalse();
        assertThat(key.secretHash()).hasSize(32);
    }

    @Test
    void neverPrintsTheSecret() {
        ApiKey key = ApiKey.parse("igw_demo_acme_3f9c2a7b51e84d06a1c4e8b2d7f05a93").orElseThrow();
        assertThat(key.toString()).doesNotContain("3f9c2a7b51e84d06a1c4e8b2d7f05a93").contains("acme");
    }
}
