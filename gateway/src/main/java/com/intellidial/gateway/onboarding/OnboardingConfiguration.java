package com.intellidial.gateway.onboarding;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.r2dbc.core.DatabaseClient;

import com.intellidial.gateway.catalog.EndpointCatalogs;
import com.intellidial.gateway.credentials.CredentialRefresher;
import com.intellidial.gateway.credentials.CredentialResolver;
import com.intellidial.gateway.credentials.SecretStore;
import com.intellidial.gateway.credentials.SecretWriter;
import com.intellidial.gateway.isolation.OwnershipStore;
import com.intellidial.gateway.isolation.TwilioOwnership;
import com.intellidial.gateway.provisioning.NumberProvisioning;
import com.intellidial.gateway.provisioning.TwilioAccountService;
import com.intellidial.gateway.provisioning.VapiWebhookCredentials;
import com.intellidial.gateway.routing.Upstreams;
import com.intellidial.gateway.tenant.KeyService;
import com.intellidial.gateway.tenant.TenantRepository;
import com.intellidial.gateway.callbacks.WebhooksProperties;

/** The onboarding saga and its assistant templates ({@code gateway.onboarding.templates}). */
@Configuration(proxyBeanMethods = false)
class OnboardingConfiguration {

    @Bean
    AssistantTemplates assistantTemplates(
            @Value("${gateway.onboarding.templates:classpath:onboarding/templates.yaml}") Resource templates) {
        return AssistantTemplates.load(templates);
    }

    @Bean
    OffboardingService offboardingService(TenantRepository tenants, KeyService keys, NumberProvisioning numbers,
            TwilioAccountService twilioAccounts, TwilioOwnership twilioOwnership, OwnershipStore ownership,
            CredentialResolver credentials, Upstreams upstreams, EndpointCatalogs catalogs, DatabaseClient db) {
        return new OffboardingService(tenants, keys, numbers, twilioAccounts, twilioOwnership, ownership, credentials,
                upstreams.require("vapi"),
                catalogs.require("vapi"), db);
    }

    @Bean
    OnboardingService onboardingService(DatabaseClient db, TenantRepository tenants, KeyService keys, SecretStore secrets,
            SecretWriter writer, CredentialRefresher refresher, TwilioAccountService twilioAccounts, NumberProvisioning numbers,
            VapiWebhookCredentials webhookCredentials, OwnershipStore ownership, AssistantTemplates templates,
            WebhooksProperties webhooks, Environment environment) {
        return new OnboardingService(new OnboardingRecords(db), tenants, keys, secrets, writer, refresher, twilioAccounts,
                numbers, webhookCredentials, ownership, templates, new TenantApiClient(environment), webhooks, db);
    }
}
