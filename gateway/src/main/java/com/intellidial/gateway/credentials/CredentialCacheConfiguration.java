package com.intellidial.gateway.credentials;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import com.intellidial.gateway.cluster.ClusterEvents;

/**
 * Puts the credential cache in front of whichever secret store backend is configured, and keeps it
 * coherent across gateway instances.
 */
@Configuration(proxyBeanMethods = false)
class CredentialCacheConfiguration {

    /**
     * The {@link SecretStore} every consumer gets. Spring leaves this bean itself out of
     * {@code backends}, so the list holds exactly the backend selected by {@code gateway.secrets.backend}.
     */
    @Bean
    @Primary
    CachingSecretStore cachingSecretStore(List<SecretStore> backends, SecretsProperties properties,
            MeterRegistry meters) {
        if (backends.size() != 1) {
            throw new IllegalStateException("expected exactly one secret store backend, found " + backends);
        }
        return new CachingSecretStore(backends.get(0), properties.cache(), meters);
    }

    @Bean
    CredentialRefresher credentialRefresher(CachingSecretStore cachingSecretStore, ClusterEvents clusterEvents) {
        return new CredentialRefresher(cachingSecretStore, clusterEvents);
    }
}
