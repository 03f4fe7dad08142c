package com.intellidial.gateway.isolation;

import com.intellidial.gateway.catalog.EndpointCatalogs;
import com.intellidial.gateway.cluster.ClusterEvents;
import com.intellidial.gateway.credentials.SecretStore;
import com.intellidial.gateway.routing.LimitsProperties;
import com.intellidial.gateway.callbacks.RelayTargetGuard;
import com.intellidial.gateway.callbacks.WebhooksProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/** The ownership store, the webhook targets and the VAPI isolator. */
@Configuration(proxyBeanMethods = false)
class IsolationConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IsolationConfiguration.class);

    @Bean
    CachingOwnershipStore ownershipStore(DatabaseClient db, ClusterEvents events, IsolationProperties properties,
            MeterRegistry meters) {
        return new CachingOwnershipStore(db, events, properties, meters);
    }

    @Bean
    R2dbcWebhookTargets webhookTargets(DatabaseClient db) {
        return new R2dbcWebhookTargets(db);
    }

    @Bean
    VapiIsolator vapiIsolator(EndpointCatalogs catalogs, CachingOwnershipStore store, R2dbcWebhookTargets targets, WebhooksProperties webhooks,
            RelayTargetGuard relayTargets, SecretStore secrets, IsolationProperties properties, LimitsProperties limits) {
        if (webhooks.vapiCredentialId() == null) {
            log.warn("gateway.webhooks.vapi-credential-id is not set: the server.url the gateway writes carries no "
                    + "credentialId, so VAPI webhooks will not authenticate (401) unless the platform's VAPI org has "
                    + "an org-level webhook credential");
        }
        return new VapiIsolator(catalogs.require(VapiIsolator.UPSTREAM), store, targets, webhooks, relayTargets,
                secrets, properties, limits.maxBodySize().toBytes());
    }
}
