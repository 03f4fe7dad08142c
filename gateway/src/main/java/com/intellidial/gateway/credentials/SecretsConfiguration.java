package com.intellidial.gateway.credentials;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Selects the {@link SecretStore} backend with {@code gateway.secrets.backend}. */
@Configuration(proxyBeanMethods = false)
class SecretsConfiguration {

    @Bean
    @ConditionalOnProperty(name = SecretsProperties.PREFIX + ".backend", havingValue = "local", matchIfMissing = true)
    LocalSecretStore localSecretStore(SecretsProperties properties) {
        return new LocalSecretStore(properties.local().entries());
    }
}
