package com.intellidial.gateway.webhooks;

import java.net.URI;
import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import com.intellidial.gateway.callbacks.RelayTargetGuard;
import com.intellidial.gateway.callbacks.WebhooksProperties;
import com.intellidial.gateway.credentials.SecretStore;
import com.intellidial.gateway.isolation.OwnershipStore;
import com.intellidial.gateway.isolation.WebhookTargets;
import com.intellidial.gateway.metering.UsageSink;
import com.intellidial.gateway.routing.LimitsProperties;
import com.intellidial.gateway.tenant.TenantDirectory;

/**
 * Wires {@code POST /webhooks/vapi/{tenantId}}: a functional route outside the proxied routes, so
 * none of the tenant-key filters apply; VAPI authenticates with the platform's webhook credential.
 */
@Configuration(proxyBeanMethods = false)
class VapiWebhookConfiguration {

    private static final String VAPI = "vapi";

    @Bean
    LedgerVapiUsage vapiUsageRecorder(UsageSink sink) {
        return new LedgerVapiUsage(sink);
    }

    /** The one relay to tenant URLs, for VAPI messages and Twilio status callbacks alike. */
    @Bean
    TenantRelay tenantRelay(SecretStore secrets, WebhookTargets targets, WebhooksProperties properties,
            LimitsProperties limits, RelayTargetGuard guard, MeterRegistry meters) {
        HttpClient http = guard.httpClient(properties.relay().connectTimeout());
        long maxBody = limits.maxBodySize().toBytes();
        WebClient client = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http))
            .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize((int) Math.min(maxBody, Integer.MAX_VALUE)))
            .build();
        return new TenantRelay(client, secrets, new TargetUrls(targets), properties.relay(), Clock.systemUTC(), meters);
    }

    @Bean
    RouterFunction<ServerResponse> vapiWebhookRoute(SecretStore secrets, OwnershipStore ownershipStore,
            TenantDirectory tenants, VapiUsageRecorder usage, WebhooksProperties properties, LimitsProperties limits,
            TenantRelay relay) {
        Clock clock = Clock.systemUTC();
        VapiOwnership ownership = new StoreOwnership(ownershipStore);
        long maxBody = limits.maxBodySize().toBytes();
        VapiWebhookHandler handler = new VapiWebhookHandler(
                new VapiWebhookAuthenticator(secrets, properties.vapi(), clock), new VapiCallGuard(ownership), usage,
                relay, new VapiAnswers(ownership), properties.vapi(), maxBody,
                tenantId -> tenants.find(tenantId).hasElement(),
                new VapiReplays(properties.vapi().maxClockSkew(), clock, 200_000));
        return handler.route();
    }

    /** VAPI ownership rows of the isolation layer's store. */
    private record StoreOwnership(OwnershipStore store) implements VapiOwnership {

        @Override
        public Mono<String> ownerOf(String type, String id) {
            return this.store.ownerOf(VAPI, type, id);
        }

        @Override
        public Mono<Void> claim(String tenantId, String type, String id) {
            return this.store.record(tenantId, VAPI, type, id, null);
        }
    }

    /** The tenant's URL on the assistant, else on the phone number, else its default; only http(s). */
    private record TargetUrls(WebhookTargets targets) implements TenantWebhookUrls {

        @Override
        public Mono<URI> urlFor(String tenantId, @Nullable String assistantId, @Nullable String phoneNumberId) {
            Mono<String> assistant = (assistantId != null) ? this.targets.tenantUrl(tenantId, "assistant", assistantId)
                    : Mono.empty();
            Mono<String> number = (phoneNumberId != null)
                    ? this.targets.tenantUrl(tenantId, "phone-number", phoneNumberId) : Mono.empty();
            return assistant.switchIfEmpty(number)
                .switchIfEmpty(Mono.defer(() -> this.targets.defaultUrl(tenantId)))
                .mapNotNull(TenantRelay::httpUri);
        }
    }
}
